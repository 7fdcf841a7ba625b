//! [`Text`]: a scalar's value, borrowed from its file or owned, in two words.
//!
//! A `Cow<str>` takes three words; with it a YAML node is 40 bytes and a mapping entry 80, and
//! node trees are a third of the memory of a big run. Packing the "owned" bit into the length
//! makes the scalar 24 bytes, the node 32 and the entry 64.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;
use std::ptr::NonNull;

/// The top bit of `len`: the bytes are a `Box<str>` this value owns. No `str` is longer than
/// `isize::MAX` bytes, so the bit is never part of a length.
const OWNED: usize = 1 << (usize::BITS - 1);

/// A string borrowed for `'a`, or owned (a `Cow<'a, str>` in 16 bytes).
pub struct Text<'a> {
    ptr: NonNull<u8>,
    /// Length in bytes, with [`OWNED`] set when `ptr` came from `Box<str>::into_raw`.
    len: usize,
    _borrow: PhantomData<&'a str>,
}

// SAFETY: a `Text` is either a `&'a str` or a `Box<str>`, both `Send` and `Sync`; nothing is
// shared mutably.
unsafe impl Send for Text<'_> {}
unsafe impl Sync for Text<'_> {}

impl<'a> Text<'a> {
    pub fn borrowed(s: &'a str) -> Text<'a> {
        Text {
            ptr: NonNull::from(s.as_bytes()).cast(),
            len: s.len(),
            _borrow: PhantomData,
        }
    }

    /// Take ownership of `s` (its spare capacity is given back).
    pub fn owned(s: String) -> Text<'a> {
        let boxed: Box<str> = s.into_boxed_str();
        let len = boxed.len();
        // SAFETY: `Box::into_raw` never returns null.
        let ptr = unsafe { NonNull::new_unchecked(Box::into_raw(boxed).cast::<u8>()) };
        Text {
            ptr,
            len: len | OWNED,
            _borrow: PhantomData,
        }
    }

    pub fn is_borrowed(&self) -> bool {
        self.len & OWNED == 0
    }

    pub fn as_str(&self) -> &str {
        // SAFETY: `ptr` and the length come from a `&str` or a `Box<str>` that lives at least as
        // long as `self` (borrowed for `'a`, or owned until `drop`).
        unsafe {
            std::str::from_utf8_unchecked(std::slice::from_raw_parts(
                self.ptr.as_ptr(),
                self.len & !OWNED,
            ))
        }
    }

    /// The same text under another lifetime: a borrowed one is looked up with `find` (which
    /// gives the equal text borrowed from elsewhere, or nothing: then it is copied), an owned
    /// one moves.
    pub fn rebind<'b>(self, find: impl FnOnce(&str) -> Option<&'b str>) -> Text<'b> {
        if self.is_borrowed() {
            match find(self.as_str()) {
                Some(x) => Text::borrowed(x),
                None => Text::owned(self.as_str().to_string()),
            }
        } else {
            let t = Text {
                ptr: self.ptr,
                len: self.len,
                _borrow: PhantomData,
            };
            // The box moved to `t`.
            std::mem::forget(self);
            t
        }
    }

    /// The text, owned, with no lifetime left.
    pub fn into_static(self) -> Text<'static> {
        self.rebind(|_| None)
    }
}

impl Drop for Text<'_> {
    fn drop(&mut self) {
        if !self.is_borrowed() {
            let len = self.len & !OWNED;
            // SAFETY: an owned `Text` holds the pointer of a `Box<str>` of `len` bytes, released
            // once, here.
            unsafe {
                drop(Box::from_raw(
                    std::ptr::slice_from_raw_parts_mut(self.ptr.as_ptr(), len) as *mut str,
                ));
            }
        }
    }
}

impl Clone for Text<'_> {
    fn clone(&self) -> Self {
        if self.is_borrowed() {
            Text {
                ptr: self.ptr,
                len: self.len,
                _borrow: PhantomData,
            }
        } else {
            Text::owned(self.as_str().to_string())
        }
    }
}

impl Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text<'_> {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Text<'_> {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl PartialEq for Text<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text<'_> {}

impl PartialEq<str> for Text<'_> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<Text<'_>> for str {
    fn eq(&self, other: &Text<'_>) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text<'_>> for &str {
    fn eq(&self, other: &Text<'_>) -> bool {
        *self == other.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::Text;

    #[test]
    fn two_words() {
        assert_eq!(
            std::mem::size_of::<Text<'_>>(),
            2 * std::mem::size_of::<usize>()
        );
    }

    #[test]
    fn borrowed_and_owned_read_the_same() {
        let src = String::from("name: web");
        let b = Text::borrowed(&src[6..]);
        let o = Text::owned("web".to_string());
        assert!(b.is_borrowed());
        assert!(!o.is_borrowed());
        assert_eq!(b, o);
        assert_eq!(&*b, "web");
        assert_eq!(o.as_str(), "web");
        assert_eq!(format!("{o} {b:?}"), "web \"web\"");
        assert!(b == "web" && "web" == o);
    }

    #[test]
    fn clones_and_moves_keep_the_text() {
        let o = Text::owned("a".repeat(100));
        let c = o.clone();
        drop(o);
        assert_eq!(c.len(), 100);
        let s = Text::borrowed("short").into_static();
        assert!(!s.is_borrowed());
        let moved = c.into_static();
        assert_eq!(moved.len(), 100);
        assert_eq!(&*s, "short");
        let empty = Text::owned(String::new());
        assert_eq!(empty.as_str(), "");
        assert_eq!(Text::borrowed("").clone().as_str(), "");
    }
}
