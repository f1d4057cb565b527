// The public API. This file only re-exports; each section belongs to one area of the package.

// #region store
// #endregion store

