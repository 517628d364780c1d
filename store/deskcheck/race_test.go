//go:build race

package deskcheck

const raceEnabled = true
