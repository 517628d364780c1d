package store

// inUse is false on Windows: a file another process holds open cannot be
// removed there, so the sweep's os.Remove fails on it by itself.
func inUse(string) bool { return false }
