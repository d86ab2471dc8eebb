//! Model formulas: the lexer, the parser and the syntax tree.

pub(crate) mod ast;
pub(crate) mod lexer;
pub(crate) mod parser;
