//! (to be written: issue 17)
