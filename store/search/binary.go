package search

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime/debug"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"

	gopinyin "github.com/mozillazg/go-pinyin"
	"golang.org/x/text/unicode/norm"

	"taizhang/assets"
)

// The binary form of an Index (AppendBinary, Unmarshal), so that a program
// can keep an index beside its data and read it back in a few milliseconds
// instead of building it again. All numbers are little-endian; every
// section begins at a multiple of 8 bytes from the start, so that on a
// little-endian machine Unmarshal uses the bytes as they are:
//
//	header   "TZSI", u32 version, then u32 counts: documents, fields, text
//	         bytes, reading-set ids, rune-map entries, reading sets, tags,
//	         flags (bit 0: documents have tags; bits 8–15: a bit per Kind
//	         of the fields), table bytes, tag bytes
//	ids      u64 per document
//	first    u32 per document: its first field
//	fields   u32 text offset, u32 rune-map offset (or ^0) per field
//	bloom    u64 per field    (the members of filter, see Index)
//	pairs    u64 per field
//	inits    u32 per field
//	letters  u32 per field    (with the field's Kind from bit 28)
//	pyOff    u32 per field    (its run in sets, or ^0)
//	maps     u32 per rune-map entry
//	tagOf    u32 per document (only with flag 1)
//	sets     u16 per entry: the runs of the fields in field order, each
//	         ended by ^0
//	text     the folded texts, each followed by a NUL
//	table    per reading set from 1 on: u8 common, u8 n, then n readings,
//	         each u8 length + letters
//	tags     per tag: u32 rune-map offset (or ^0), u32 folded length, u32
//	         length, the folded text, the text
//
// The reading sets are the index's own (its table), not the numbers of the
// process's Pinyin, so an index read back searches without DefaultPinyin;
// that is built only when something added to it needs readings. What the
// bytes hold depends on more than the documents: see Fingerprint.
const (
	binaryMagic = "TZSI"
	// binaryVersion is raised with every change to the layout or to what
	// Add stores (folding, the bigram and letter masks, reading sets):
	// an index kept by an older program is then built again.
	binaryVersion = 1
	headerSize    = 48
)

// Fingerprint is a digest of everything besides the documents that an
// index's content depends on: this binary format, the Unicode tables that
// fold texts, go-pinyin's dictionary (its version) and the pinyin
// overrides in assets. An index kept from a program whose fingerprint
// differs must be built again. (Synonyms are not in it: they are applied
// to queries, never stored.)
func Fingerprint() [32]byte {
	fingerOnce.Do(func() {
		h := sha256.New()
		fmt.Fprintf(h, "search %d\nunicode %s\nnorm %s\n", binaryVersion, unicode.Version, norm.Version)
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, d := range bi.Deps {
				if d.Path == "github.com/mozillazg/go-pinyin" {
					fmt.Fprintf(h, "go-pinyin %s %s\n", d.Version, d.Sum)
				}
			}
		}
		fmt.Fprintf(h, "dictionary %d\n", len(gopinyin.PinyinDict))
		d := assets.PinyinOverridesDigest()
		h.Write(d[:])
		h.Sum(finger[:0])
	})
	return finger
}

var (
	fingerOnce sync.Once
	finger     [32]byte
)

// MarshalBinary returns the binary form of the index (see AppendBinary).
func (ix *Index) MarshalBinary() ([]byte, error) { return ix.AppendBinary(nil) }

// AppendBinary appends the binary form of the index to b. Readings that
// wait (NewLazy) are worked out first. Synonyms are not kept: call
// SetSynonyms again on the index Unmarshal returns.
func (ix *Index) AppendBinary(b []byte) ([]byte, error) { return AppendJoined(b, ix) }

// AppendJoined appends to b the binary form of one index that holds the
// documents of parts, in that order: what adding them all to one index
// would have given.
func AppendJoined(b []byte, parts ...*Index) ([]byte, error) {
	a := appender(b)
	_, err := WriteJoined(&a, parts...)
	return a, err
}

// appender is a Writer that appends to itself.
type appender []byte

func (a *appender) Write(p []byte) (int, error) {
	*a = append(*a, p...)
	return len(p), nil
}

// WriteJoined is AppendJoined to a Writer (a file): it holds no copy of
// the index. It returns the number of bytes written.
func WriteJoined(w io.Writer, parts ...*Index) (int64, error) {
	for _, p := range parts {
		p.mu.Lock()
		p.resolve()
		p.mu.Unlock()
		p.mu.RLock()
		defer p.mu.RUnlock()
	}
	var j joiner
	if err := j.plan(parts); err != nil {
		return 0, err
	}
	if a, ok := w.(*appender); ok {
		*a = slices.Grow(*a, int(j.size))
	}
	sw := &sectionWriter{w: bufio.NewWriterSize(w, 64<<10)}
	j.write(sw, parts)
	if sw.err == nil {
		sw.err = sw.w.Flush()
	}
	return int64(sw.n), sw.err
}

// joiner lays out the parts of AppendJoined.
type joiner struct {
	n       [10]uint64 // docs, fields, text, sets, maps, table sets, tags, flags, table bytes, tag bytes
	remap   [][]uint16 // per part: its set id -> joined id
	table   readingTable
	keys    map[string]uint16
	tags    []tagOut
	tagIDs  map[string]uint32
	tagMap  [][]uint32 // per part: its tag -> joined tag
	off     [13]uint64 // of each section
	size    uint64
	hasTags bool
	kinds   uint8
}

type tagOut struct {
	text   string // original
	folded []byte
	mp     uint64 // in the joined maps, or none
}

const (
	nDocs = iota
	nFields
	nText
	nSets
	nMaps
	nTable
	nTags
	nFlags
	nTableBytes
	nTagBytes
)

// Sections, in order.
const (
	sIDs = iota
	sFirst
	sFields
	sBloom
	sPairs
	sInits
	sLetters
	sPyOff
	sMaps
	sTagOf
	sSets
	sText
	sTable
)

func (j *joiner) plan(parts []*Index) error {
	j.table = *emptyTable()
	j.keys = map[string]uint16{}
	j.tagIDs = map[string]uint32{}
	var key []byte
	for _, p := range parts {
		maps0 := j.n[nMaps]
		j.n[nDocs] += uint64(len(p.ids))
		j.n[nFields] += uint64(len(p.fields))
		j.n[nText] += uint64(len(p.text))
		j.n[nMaps] += uint64(len(p.maps))
		// The sets the fields' runs name, numbered as first met.
		rm := make([]uint16, len(p.tab.sets))
		for _, py := range p.pyOff {
			run := p.run(py)
			j.n[nSets] += uint64(len(run))
			for _, id := range run {
				if id == endSet || id == 0 || rm[id] != 0 {
					continue
				}
				key = setKey(key[:0], p.tab.sets[id], p.tab.common[id])
				nid, ok := j.keys[string(key)]
				if !ok {
					if len(j.table.sets) >= int(endSet) {
						return errors.New("search: too many distinct reading sets")
					}
					nid = j.table.add(p.tab.sets[id], p.tab.common[id])
					j.keys[string(key)] = nid
				}
				rm[id] = nid
			}
		}
		j.remap = append(j.remap, rm)
		tm := make([]uint32, len(p.tags))
		for t, tr := range p.tags {
			id, ok := j.tagIDs[tr.orig]
			if !ok {
				id = uint32(len(j.tags))
				mp := uint64(none)
				if tr.fr.mp != none {
					mp = maps0 + uint64(tr.fr.mp)
				}
				j.tags = append(j.tags, tagOut{text: tr.orig, folded: tr.text, mp: mp})
				j.tagIDs[tr.orig] = id
			}
			tm[t] = id
		}
		j.tagMap = append(j.tagMap, tm)
		j.hasTags = j.hasTags || p.tagOf != nil
		j.kinds |= p.kinds
	}
	j.n[nTable] = uint64(len(j.table.sets))
	j.n[nTags] = uint64(len(j.tags))
	j.n[nFlags] = uint64(j.kinds) << 8
	if j.hasTags {
		j.n[nFlags] |= 1
	}
	for _, l := range j.table.sets[1:] {
		j.n[nTableBytes] += 2
		for _, s := range l {
			j.n[nTableBytes] += 1 + uint64(len(s))
		}
	}
	for _, t := range j.tags {
		j.n[nTagBytes] += 12 + uint64(len(t.folded)) + uint64(len(t.text))
	}
	for _, v := range j.n {
		if v >= math.MaxUint32 {
			return errors.New("search: the index is too large to write")
		}
	}
	var ok bool
	j.off, j.size, ok = layout(j.n)
	if !ok {
		return errors.New("search: the index is too large to write")
	}
	return nil
}

// run is the run of reading sets at py, its ^0 included; nil for none
// (or, in a damaged index read back, a run that is not there).
func (ix *Index) run(py uint32) []uint16 {
	if py == none || py >= uint32(len(ix.sets)) {
		return nil
	}
	n := slices.Index(ix.sets[py:], endSet)
	if n < 0 {
		return nil
	}
	return ix.sets[py : py+uint32(n)+1]
}

// layout returns where each section begins and the whole size, given the
// counts; ok is false if it would not fit in memory.
func layout(n [10]uint64) (off [13]uint64, size uint64, ok bool) {
	tagOf := uint64(0)
	if n[nFlags]&1 != 0 {
		tagOf = 4 * n[nDocs]
	}
	sizes := [13]uint64{
		8 * n[nDocs], 4 * n[nDocs], 8 * n[nFields], 8 * n[nFields], 8 * n[nFields], 4 * n[nFields],
		4 * n[nFields], 4 * n[nFields], 4 * n[nMaps], tagOf, 2 * n[nSets], n[nText], n[nTableBytes],
	}
	at := uint64(headerSize)
	for i, s := range sizes {
		at = (at + 7) &^ 7
		off[i] = at
		at += s
	}
	size = at + n[nTagBytes]
	return off, size, size < math.MaxInt/2
}

// write writes the sections in order.
func (j *joiner) write(w *sectionWriter, parts []*Index) {
	var head [headerSize]byte
	copy(head[:], binaryMagic)
	binary.LittleEndian.PutUint32(head[4:], binaryVersion)
	for i, v := range j.n {
		binary.LittleEndian.PutUint32(head[8+4*i:], uint32(v))
	}
	w.bytes(head[:])
	w.at(j.off[sIDs])
	for _, p := range parts {
		w.u64s(p.ids)
	}
	w.at(j.off[sFirst])
	fields := uint32(0)
	for _, p := range parts {
		for _, f := range p.first {
			w.u32(fields + f)
		}
		fields += uint32(len(p.fields))
	}
	w.at(j.off[sFields])
	text, maps := uint32(0), uint32(0)
	for _, p := range parts {
		for _, fr := range p.fields {
			mp := none
			if fr.mp != none {
				mp = maps + fr.mp
			}
			w.u32(text + fr.off)
			w.u32(mp)
		}
		text += uint32(len(p.text))
		maps += uint32(len(p.maps))
	}
	w.at(j.off[sBloom])
	for _, p := range parts {
		w.u64s(p.bloom)
	}
	w.at(j.off[sPairs])
	for _, p := range parts {
		w.u64s(p.pairs)
	}
	w.at(j.off[sInits])
	for _, p := range parts {
		w.u32s(p.inits)
	}
	w.at(j.off[sLetters])
	for _, p := range parts {
		w.u32s(p.letters)
	}
	w.at(j.off[sPyOff])
	sets := uint32(0) // the runs are written in field order, each where it begins
	for _, p := range parts {
		for _, py := range p.pyOff {
			run := p.run(py)
			if run == nil {
				w.u32(none)
				continue
			}
			w.u32(sets)
			sets += uint32(len(run))
		}
	}
	w.at(j.off[sMaps])
	for _, p := range parts {
		w.u32s(p.maps)
	}
	if j.hasTags {
		w.at(j.off[sTagOf])
		for pi, p := range parts {
			for d := range p.ids {
				t := none
				if p.tagOf != nil && p.tagOf[d] != none {
					t = j.tagMap[pi][p.tagOf[d]]
				}
				w.u32(t)
			}
		}
	}
	w.at(j.off[sSets])
	for pi, p := range parts {
		rm := j.remap[pi]
		for _, py := range p.pyOff {
			for _, id := range p.run(py) {
				if id != endSet {
					id = rm[id]
				}
				w.u16(id)
			}
		}
	}
	w.at(j.off[sText])
	for _, p := range parts {
		w.bytes(p.text)
	}
	w.at(j.off[sTable])
	for i, l := range j.table.sets[1:] {
		w.bytes([]byte{j.table.common[i+1], byte(len(l))})
		for _, r := range l {
			w.bytes([]byte{byte(len(r))})
			w.bytes([]byte(r))
		}
	}
	for _, t := range j.tags {
		w.u32(uint32(t.mp))
		w.u32(uint32(len(t.folded)))
		w.u32(uint32(len(t.text)))
		w.bytes(t.folded)
		w.bytes([]byte(t.text))
	}
}

// sectionWriter writes little-endian numbers, keeping the first error.
type sectionWriter struct {
	w   *bufio.Writer
	n   uint64
	err error
}

func (w *sectionWriter) bytes(b []byte) {
	if w.err == nil {
		_, w.err = w.w.Write(b)
		w.n += uint64(len(b))
	}
}

// at pads with zeros up to offset off, where the next section begins.
func (w *sectionWriter) at(off uint64) {
	if w.n > off && w.err == nil {
		w.err = fmt.Errorf("search: a section ends at %d, past %d", w.n, off)
	}
	for w.n < off && w.err == nil {
		w.bytes([]byte{0})
	}
}

func (w *sectionWriter) u16(v uint16) {
	w.bytes(binary.LittleEndian.AppendUint16(w.w.AvailableBuffer(), v))
}
func (w *sectionWriter) u32(v uint32) {
	w.bytes(binary.LittleEndian.AppendUint32(w.w.AvailableBuffer(), v))
}
func (w *sectionWriter) u64(v uint64) {
	w.bytes(binary.LittleEndian.AppendUint64(w.w.AvailableBuffer(), v))
}

// u32s and u64s write arrays: as they lie in memory on a little-endian
// machine.
func (w *sectionWriter) u32s(v []uint32) {
	if littleEndian {
		w.bytes(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 4*len(v)))
		return
	}
	for _, x := range v {
		w.u32(x)
	}
}

func (w *sectionWriter) u64s(v []uint64) {
	if littleEndian {
		w.bytes(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 8*len(v)))
		return
	}
	for _, x := range v {
		w.u64(x)
	}
}

// A damaged index is refused with an error that says where.
func damaged(format string, args ...any) error {
	return fmt.Errorf("search: damaged index: "+format, args...)
}

// littleEndian says whether the machine stores numbers as the format does.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// Unmarshal reads back an index that AppendBinary wrote; it is searched
// and added to as one built afresh. On a little-endian machine it uses
// data as it is when data begins at a multiple of 8 bytes (as a slice
// that make or os.ReadFile returns does), so data must not change
// afterwards; else it copies. Every offset and count is checked, so that
// damaged bytes give an error, never a panic or an index that a search
// reads out of bounds.
func Unmarshal(data []byte) (*Index, error) {
	le := binary.LittleEndian
	if len(data) < headerSize || string(data[:4]) != binaryMagic {
		return nil, damaged("not an index")
	}
	if v := le.Uint32(data[4:]); v != binaryVersion {
		return nil, fmt.Errorf("search: index format %d, not %d", v, binaryVersion)
	}
	var n [10]uint64
	for i := range n {
		n[i] = uint64(le.Uint32(data[8+4*i:]))
	}
	off, size, ok := layout(n)
	if !ok || size != uint64(len(data)) {
		return nil, damaged("%d bytes, its counts say %d", len(data), size)
	}
	// Each set takes 4 bytes or more, each tag 12 (nothing is allocated
	// for counts the bytes cannot hold).
	if n[nFlags]&^0xff01 != 0 || n[nTable] < 1 || n[nTable] > uint64(endSet) ||
		4*(n[nTable]-1) > n[nTableBytes] || 12*n[nTags] > n[nTagBytes] {
		return nil, damaged("header")
	}
	if littleEndian && uintptr(unsafe.Pointer(unsafe.SliceData(data)))%8 != 0 {
		data = aligned(data)
	}
	sec := func(s int, size uint64) []byte { return data[off[s] : off[s]+size : off[s]+size] }
	nd, nf := n[nDocs], n[nFields]
	ix := &Index{
		ids:     u64s(sec(sIDs, 8*nd)),
		first:   u32s(sec(sFirst, 4*nd)),
		fields:  fieldRecs(sec(sFields, 8*nf)),
		bloom:   u64s(sec(sBloom, 8*nf)),
		pairs:   u64s(sec(sPairs, 8*nf)),
		inits:   u32s(sec(sInits, 4*nf)),
		letters: u32s(sec(sLetters, 4*nf)),
		pyOff:   u32s(sec(sPyOff, 4*nf)),
		maps:    u32s(sec(sMaps, 4*n[nMaps])),
		sets:    u16s(sec(sSets, 2*n[nSets])),
		text:    sec(sText, n[nText]),
		own:     &ownTable{},
		kinds:   uint8(n[nFlags] >> 8),
	}
	if n[nFlags]&1 != 0 {
		ix.tagOf = u32s(sec(sTagOf, 4*nd))
	}
	var err error
	if ix.tab, err = readTable(sec(sTable, n[nTableBytes]), int(n[nTable])); err != nil {
		return nil, err
	}
	if err := ix.readTags(data[off[sTable]+n[nTableBytes]:], int(n[nTags])); err != nil {
		return nil, err
	}
	if err := ix.check(); err != nil {
		return nil, err
	}
	return ix, nil
}

// aligned copies data to the start of a fresh allocation of 8-byte words.
func aligned(data []byte) []byte {
	w := make([]uint64, (len(data)+7)/8)
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(w))), len(data))
	copy(b, data)
	return b
}

// u64s, u32s, u16s and fieldRecs view little-endian bytes (at a multiple
// of 8 from an aligned start) as numbers: the bytes themselves on a
// little-endian machine, else a decoded copy.
func u64s(b []byte) []uint64 {
	if littleEndian {
		return unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/8)
	}
	out := make([]uint64, len(b)/8)
	for i := range out {
		out[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return out
}

func u32s(b []byte) []uint32 {
	if littleEndian {
		return unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/4)
	}
	out := make([]uint32, len(b)/4)
	for i := range out {
		out[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return out
}

func u16s(b []byte) []uint16 {
	if littleEndian {
		return unsafe.Slice((*uint16)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/2)
	}
	out := make([]uint16, len(b)/2)
	for i := range out {
		out[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return out
}

func fieldRecs(b []byte) []fieldRec {
	if littleEndian {
		return unsafe.Slice((*fieldRec)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/8)
	}
	w := u32s(b)
	out := make([]fieldRec, len(w)/2)
	for i := range out {
		out[i] = fieldRec{off: w[2*i], mp: w[2*i+1]}
	}
	return out
}

// readTable reads the reading sets 1 to n-1.
func readTable(b []byte, n int) (*readingTable, error) {
	t := emptyTable()
	var syl map[string]string // one string per distinct reading
	for id := 1; id < n; id++ {
		if len(b) < 2 || b[0] == 0 || b[0] > b[1] || b[1] == 0 {
			return nil, damaged("reading set %d", id)
		}
		nc, k := b[0], int(b[1])
		b = b[2:]
		list := make([]string, k)
		for i := range list {
			if len(b) < 1 || int(b[0]) >= len(b) || b[0] == 0 {
				return nil, damaged("reading set %d", id)
			}
			r := b[1 : 1+int(b[0])]
			b = b[1+len(r):]
			if !isLetters(string(r)) {
				return nil, damaged("reading set %d", id)
			}
			if syl == nil {
				syl = map[string]string{}
			}
			s, ok := syl[string(r)]
			if !ok {
				s = string(r)
				syl[s] = s
			}
			list[i] = s
		}
		t.add(list, nc)
	}
	if len(b) != 0 {
		return nil, damaged("reading sets")
	}
	return t, nil
}

// readTags reads the tags, the last section.
func (ix *Index) readTags(b []byte, n int) error {
	le := binary.LittleEndian
	if n > 0 {
		ix.tagIDs = make(map[string]uint32, n)
	}
	for t := range n {
		if len(b) < 12 {
			return damaged("tag %d", t)
		}
		mp, nf, no := le.Uint32(b), uint64(le.Uint32(b[4:])), uint64(le.Uint32(b[8:]))
		b = b[12:]
		if nf+no > uint64(len(b)) {
			return damaged("tag %d", t)
		}
		folded, text := b[:nf:nf], string(b[nf:nf+no])
		b = b[nf+no:]
		if mp != none && uint64(mp)+2*uint64(utf8.RuneCount(folded)) > uint64(len(ix.maps)) {
			return damaged("tag %d", t)
		}
		if _, dup := ix.tagIDs[text]; dup {
			return damaged("tag %d", t)
		}
		ix.tags = append(ix.tags, tagRec{text: folded, orig: text, fr: fieldRec{mp: mp}})
		ix.tagIDs[text] = uint32(t)
	}
	if len(b) != 0 {
		return damaged("tags")
	}
	return nil
}

// check proves what a search takes for granted of the arrays read back,
// so that it never reads out of them: documents own runs of fields in
// order; each field's text lies before the next one's, the last ending
// with a NUL; the reading-set arena names sets of the table and ends with
// ^0; tags are known and their rune maps whole. It reads no more than it
// must, as a load touches each page it reads: what a search reads of a
// field only when it is a candidate, its reading run and its rune map, is
// checked where it is used (Index.run, searcher.pinyin, appendSpan), and
// a field's Kind (four bits) has no value that a search cannot take.
func (ix *Index) check() error {
	nf := uint32(len(ix.fields))
	if len(ix.ids) == 0 && nf > 0 {
		return damaged("fields without documents")
	}
	prev := uint32(0)
	for d, f := range ix.first {
		if f < prev || f > nf || d == 0 && f != 0 {
			return damaged("document %d", d)
		}
		prev = f
	}
	ntext := uint32(len(ix.text))
	if nf == 0 && ntext != 0 || nf > 0 && (ntext == 0 || ix.text[ntext-1] != 0) {
		return damaged("texts")
	}
	off := uint32(0) // of field f
	for f := range ix.fields {
		end := ntext - 1
		if f+1 < len(ix.fields) {
			end = ix.fields[f+1].off - 1
		}
		if ix.fields[f].off != off || end < off || end >= ntext {
			return damaged("field %d", f)
		}
		off = end + 1
	}
	ntab := uint16(len(ix.tab.sets))
	for i, id := range ix.sets {
		if id >= ntab && id != endSet {
			return damaged("reading set %d", i)
		}
	}
	if len(ix.sets) > 0 && ix.sets[len(ix.sets)-1] != endSet {
		return damaged("reading sets")
	}
	for d, t := range ix.tagOf {
		if t != none && t >= uint32(len(ix.tags)) {
			return damaged("tag of document %d", d)
		}
	}
	return nil
}

// ownTable maps the sets of an index's dictionary into the index's own
// reading table (one read back from bytes), adding those it lacks.
type ownTable struct {
	ids  []uint16          // dictionary set id -> own id + 1; 0: not looked up yet
	keys map[string]uint16 // setKey of each own set -> its id
}

// local is the id in t of dictionary p's set id.
func (o *ownTable) local(p *Pinyin, t *readingTable, id uint16) uint16 {
	if id == 0 {
		return 0
	}
	if o.ids == nil {
		o.ids = make([]uint16, len(p.sets))
	}
	if o.ids[id] != 0 {
		return o.ids[id] - 1
	}
	if o.keys == nil {
		o.keys = make(map[string]uint16, len(t.sets))
		for i := 1; i < len(t.sets); i++ {
			o.keys[string(setKey(nil, t.sets[i], t.common[i]))] = uint16(i)
		}
	}
	key := setKey(nil, p.sets[id], p.common[id])
	lid, ok := o.keys[string(key)]
	if !ok {
		if len(t.sets) >= int(endSet) {
			return 0 // cannot happen with go-pinyin's few thousand sets
		}
		lid = t.add(p.sets[id], p.common[id])
		o.keys[string(key)] = lid
	}
	o.ids[id] = lid + 1
	return lid
}
