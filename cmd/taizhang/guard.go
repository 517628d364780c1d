package main

import (
	"errors"

	"taizhang/store"
	"taizhang/store/backup"
)

// guard proves the data file at path before a command or the screens open
// it (store.Guard: every page is read in a child process, so a damaged
// file cannot crash the program, and nothing is written to it). When the
// file is damaged it completes the message with the newest backup that is
// whole (its checksum matches and its pages prove sound) and the command
// that restores it. aggregate says path is a receiving office's file.
func guard(path string, aggregate bool) error {
	err := store.Guard(path)
	var de *store.DamagedError
	if !errors.As(err, &de) {
		return err
	}
	de.Aggregate = aggregate
	de.NoBackup = true
	list, _ := backup.List(path)
	for _, b := range list {
		if backup.Intact(b.Path) == nil && store.Guard(b.Path) == nil {
			de.Backup, de.Taken, de.Restore, de.NoBackup = b.Path, b.Taken, backup.RestoreCommand(b.Path, path), false
			break
		}
	}
	return de
}
