package assets

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Pinyin override files, UTF-8, one entry per line:
//
//	单 shan          one character, one reading
//	乐 yue le        one character, alternative readings
//	欧阳 ou yang     n characters, readings in groups of n (one group per alternative)
//
// Readings are lower-case tone-less pinyin, ü written v. "#" starts a comment.
const (
	surnamesFile = "data/pinyin/surnames.txt"
	placesFile   = "data/pinyin/places.txt"
)

// PinyinOverrides parses the embedded surname and place readings.
//
// Both maps are keyed by the word (one or more Han characters). The value has
// one element per character of the key, listing that character's readings in
// order of preference, without duplicates:
//
//	surnames["乐"]   == [][]string{{"yue", "le"}}
//	surnames["欧阳"] == [][]string{{"ou"}, {"yang"}}
//	places["长治"]   == [][]string{{"chang"}, {"zhi"}}
//
// Surnames apply to the first character(s) of a person's name, places to
// every occurrence of the phrase in free text. Each call returns fresh maps.
func PinyinOverrides() (surnames, places map[string][][]string, err error) {
	if surnames, err = parseOverrides(surnamesFile); err != nil {
		return nil, nil, err
	}
	if places, err = parseOverrides(placesFile); err != nil {
		return nil, nil, err
	}
	return surnames, places, nil
}

func parseOverrides(name string) (map[string][][]string, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("assets: %s: %w", name, err)
	}
	m, err := parsePinyinOverrides(b)
	if err != nil {
		return nil, fmt.Errorf("assets: %s: %w", name, err)
	}
	return m, nil
}

// parsePinyinOverrides parses override text in the format of the embedded
// files (see PinyinOverrides for the result's shape).
func parsePinyinOverrides(b []byte) (map[string][][]string, error) {
	m := map[string][][]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		word, readings := f[0], f[1:]
		if !utf8.ValidString(word) {
			return nil, fmt.Errorf("line %d: invalid UTF-8", n)
		}
		k := utf8.RuneCountInString(word)
		if len(readings) == 0 || len(readings)%k != 0 {
			return nil, fmt.Errorf("line %d: %s: %d readings for %d characters", n, word, len(readings), k)
		}
		if _, dup := m[word]; dup {
			return nil, fmt.Errorf("line %d: %s listed twice", n, word)
		}
		per := make([][]string, k)
		for i, r := range readings {
			if !isPinyinReading(r) {
				return nil, fmt.Errorf("line %d: %s: reading %q is not lower-case pinyin", n, word, r)
			}
			c := i % k
			if !hasReading(per[c], r) {
				per[c] = append(per[c], r)
			}
		}
		m[word] = per
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return m, nil
}

func isPinyinReading(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

func hasReading(l []string, s string) bool {
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

// PinyinOverridesDigest is a SHA-256 of the embedded override files, for
// what is built from them and kept (a search index beside the ledger): it
// changes when an override does.
func PinyinOverridesDigest() [32]byte { return digest(surnamesFile, placesFile) }
