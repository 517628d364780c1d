//go:build !race

package deskcheck

const raceEnabled = false
