package bundle

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
)

// File names inside a bundle.
const (
	LedgerFile   = "ledger.db"
	WorkbookFile = "台账.xlsx"
	ManifestFile = "MANIFEST.json"
	// AgeSuffix ends the name of every encrypted file.
	AgeSuffix = ".age"
	// tempSuffix marks a file being written; it is renamed when complete.
	tempSuffix = ".tmp"
	// tempPrefix marks a bundle folder being built; it is renamed before
	// the manifest is written into it.
	tempPrefix = "未完成_"
)

// maxNameUnits is the longest file name FAT32 (long names) and exFAT allow,
// in UTF-16 code units; a character outside the BMP (a rare surname
// character) takes two.
const maxNameUnits = 255

// FolderName is the bundle folder's name:
// {county code}_{community}[_{station}]_{YYYY-MM}_{n}, the station only when
// it is 2 or more.
//
// USB sticks are formatted FAT32 or exFAT, whose names may not hold
// \ / : * ? " < > | or control characters and are at most 255 UTF-16 units;
// Windows also drops dots and spaces at the end of a name. The community
// name is the only free text, so those characters become "_" and it is
// shortened until the longest name the export uses (the folder under its
// temporary name) fits.
func FolderName(countyCode, community string, station int, month string, n int) string {
	tail := "_" + month + "_" + strconv.Itoa(n)
	if station >= 2 {
		tail = "_" + strconv.Itoa(station) + tail
	}
	head := SafeName(countyCode) + "_"
	room := maxNameUnits - units(tempPrefix) - units(head) - units(tail)
	c := []rune(SafeName(community))
	for units(string(c)) > room {
		c = c[:len(c)-1]
	}
	return head + strings.TrimRight(string(c), ". ") + tail
}

// SafeName replaces the characters FAT32 and exFAT refuse in a name with
// "_" and trims spaces and dots at the end.
func SafeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`\/:*?"<>|`, r) || unicode.Is(unicode.Cf, r) {
			return '_'
		}
		return r
	}, s)
	return strings.TrimRight(s, ". ")
}

func units(s string) int { return len(utf16.Encode([]rune(s))) }
