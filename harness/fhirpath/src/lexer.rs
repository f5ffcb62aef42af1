//! Splits a FHIRPath expression into tokens, skipping whitespace and comments.

use crate::error::ParseError;

/// One lexical token.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Token {
    /// A plain or backtick-delimited identifier (keywords are identifiers too).
    Identifier { name: String, delimited: bool },
    /// A single-quoted string literal, escapes resolved.
    Str(String),
    /// An integer or decimal literal in its lexical form.
    Number(String),
    /// `@` date, date-time or time literal, without the `@`.
    Temporal(String),
    /// `$this`, `$index` or `$total`, without the `$`.
    Special(String),
    /// `%name`, ``%`name` `` or `%'name'`, without the `%`.
    External(String),
    /// Punctuation or operator symbol.
    Symbol(&'static str),
}

/// A token with the character offset where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Spanned {
    pub token: Token,
    pub offset: usize,
}

const SYMBOLS: [&str; 22] = [
    "<=", ">=", "!=", "!~", ".", ",", "(", ")", "[", "]", "{", "}", "+", "-", "*", "/", "|", "&",
    "=", "~", "<", ">",
];

/// Tokenises the whole expression.
pub(crate) fn tokenize(source: &str) -> Result<Vec<Spanned>, ParseError> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut pos = 0;
    while pos < chars.len() {
        let c = chars[pos];
        if c.is_whitespace() {
            pos += 1;
            continue;
        }
        if c == '/' && chars.get(pos + 1) == Some(&'/') {
            while pos < chars.len() && chars[pos] != '\n' {
                pos += 1;
            }
            continue;
        }
        if c == '/' && chars.get(pos + 1) == Some(&'*') {
            let start = pos;
            pos += 2;
            loop {
                if pos + 1 >= chars.len() {
                    return Err(ParseError::new("unterminated comment", start));
                }
                if chars[pos] == '*' && chars[pos + 1] == '/' {
                    pos += 2;
                    break;
                }
                pos += 1;
            }
            continue;
        }
        let start = pos;
        let token = if c.is_ascii_alphabetic() || c == '_' {
            let end = scan_while(&chars, pos, |c| c.is_ascii_alphanumeric() || c == '_');
            let name: String = chars[pos..end].iter().collect();
            pos = end;
            Token::Identifier {
                name,
                delimited: false,
            }
        } else if c == '`' {
            let (text, end) = scan_quoted(&chars, pos, '`')?;
            pos = end;
            Token::Identifier {
                name: text,
                delimited: true,
            }
        } else if c == '\'' {
            let (text, end) = scan_quoted(&chars, pos, '\'')?;
            pos = end;
            Token::Str(text)
        } else if c.is_ascii_digit() {
            let mut end = scan_while(&chars, pos, |c| c.is_ascii_digit());
            if chars.get(end) == Some(&'.')
                && chars.get(end + 1).is_some_and(|c| c.is_ascii_digit())
            {
                end = scan_while(&chars, end + 1, |c| c.is_ascii_digit());
            }
            let text: String = chars[pos..end].iter().collect();
            pos = end;
            Token::Number(text)
        } else if c == '@' {
            let end = scan_temporal(&chars, pos + 1);
            if end == pos + 1 {
                return Err(ParseError::new(
                    "'@' must start a date or time literal",
                    pos,
                ));
            }
            let text: String = chars[pos + 1..end].iter().collect();
            pos = end;
            Token::Temporal(text)
        } else if c == '$' {
            let end = scan_while(&chars, pos + 1, |c| c.is_ascii_alphanumeric() || c == '_');
            let name: String = chars[pos + 1..end].iter().collect();
            if !matches!(name.as_str(), "this" | "index" | "total") {
                return Err(ParseError::new(
                    format!("unknown special variable ${name}"),
                    pos,
                ));
            }
            pos = end;
            Token::Special(name)
        } else if c == '%' {
            let (name, end) = match chars.get(pos + 1) {
                Some('`') => scan_quoted(&chars, pos + 1, '`')?,
                Some('\'') => scan_quoted(&chars, pos + 1, '\'')?,
                _ => {
                    let end =
                        scan_while(&chars, pos + 1, |c| c.is_ascii_alphanumeric() || c == '_');
                    (chars[pos + 1..end].iter().collect(), end)
                }
            };
            if name.is_empty() {
                return Err(ParseError::new("'%' must be followed by a name", pos));
            }
            pos = end;
            Token::External(name)
        } else {
            let rest: String = chars[pos..chars.len().min(pos + 2)].iter().collect();
            let Some(symbol) = SYMBOLS.iter().find(|s| rest.starts_with(**s)) else {
                return Err(ParseError::new(format!("unexpected character '{c}'"), pos));
            };
            pos += symbol.len();
            Token::Symbol(symbol)
        };
        tokens.push(Spanned {
            token,
            offset: start,
        });
    }
    Ok(tokens)
}

fn scan_while(chars: &[char], mut pos: usize, accept: impl Fn(char) -> bool) -> usize {
    while pos < chars.len() && accept(chars[pos]) {
        pos += 1;
    }
    pos
}

/// Scans the body of a date/time literal: digits and separators, where `+`/`-` count only
/// when a digit follows (so `@2012-01-01 - 1 day` still splits at the spaced minus).
fn scan_temporal(chars: &[char], mut pos: usize) -> usize {
    while pos < chars.len() {
        let c = chars[pos];
        let next_is_digit = chars.get(pos + 1).is_some_and(|c| c.is_ascii_digit());
        let accept = match c {
            '0'..='9' | ':' | 'T' | 'Z' => true,
            '.' | '-' | '+' => next_is_digit,
            _ => false,
        };
        if !accept {
            break;
        }
        pos += 1;
    }
    pos
}

/// Scans a quoted string starting at the opening quote; returns the unescaped text and the
/// position after the closing quote.
fn scan_quoted(chars: &[char], start: usize, quote: char) -> Result<(String, usize), ParseError> {
    let mut text = String::new();
    let mut pos = start + 1;
    loop {
        let Some(&c) = chars.get(pos) else {
            return Err(ParseError::new("unterminated quoted text", start));
        };
        pos += 1;
        if c == quote {
            return Ok((text, pos));
        }
        if c != '\\' {
            text.push(c);
            continue;
        }
        let Some(&escaped) = chars.get(pos) else {
            return Err(ParseError::new("unterminated escape", pos));
        };
        pos += 1;
        match escaped {
            'n' => text.push('\n'),
            'r' => text.push('\r'),
            't' => text.push('\t'),
            'f' => text.push('\u{c}'),
            'u' => {
                let hex: String = chars.iter().skip(pos).take(4).collect();
                let code = u32::from_str_radix(&hex, 16)
                    .ok()
                    .filter(|_| hex.len() == 4)
                    .and_then(char::from_u32)
                    .ok_or_else(|| ParseError::new("invalid \\u escape", pos))?;
                text.push(code);
                pos += 4;
            }
            '\\' | '\'' | '"' | '`' | '/' => text.push(escaped),
            other => {
                return Err(ParseError::new(
                    format!("invalid escape \\{other}"),
                    pos - 1,
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<Token> {
        tokenize(source)
            .unwrap()
            .into_iter()
            .map(|t| t.token)
            .collect()
    }

    #[test]
    fn splits_operators_literals_and_comments() {
        let tokens = kinds("a.b <= 1.5 // trailing\n /* block */ 'x\\'y'");
        assert_eq!(tokens.len(), 6);
        assert_eq!(tokens[3], Token::Symbol("<="));
        assert_eq!(tokens[4], Token::Number("1.5".into()));
        assert_eq!(tokens[5], Token::Str("x'y".into()));
    }

    #[test]
    fn reads_temporal_and_external_tokens() {
        let tokens = kinds("@2012-04-15T10:00:00+10:00 - %`vs-x` + $this");
        assert_eq!(
            tokens[0],
            Token::Temporal("2012-04-15T10:00:00+10:00".into())
        );
        assert_eq!(tokens[2], Token::External("vs-x".into()));
        assert_eq!(tokens[4], Token::Special("this".into()));
    }

    #[test]
    fn rejects_unterminated_input() {
        assert!(tokenize("2 /* open").is_err());
        assert!(tokenize("'open").is_err());
        assert!(tokenize("#").is_err());
    }
}
