package search

import (
	"slices"
	"testing"
)

func ids(hs []Hit) []uint64 {
	var out []uint64
	for _, h := range hs {
		out = append(out, h.ID)
	}
	return out
}

// Exact and prefix matches come first; a match through a rare reading (有
// read wei) comes last, wherever it is.
func TestRanking(t *testing.T) {
	ix := New(nil)
	for i, name := range []string{"张有才", "王张伟", "张卫国", "李四", "张伟"} {
		ix.Add(uint64(i), Field{name, Name})
	}
	tests := []struct {
		query string
		want  []uint64
		ranks []Rank
	}{
		// 张伟 whole, 张卫国 from its start, 王张伟 inside, 张有才 only as zhang-wei.
		{"zhangw", []uint64{4, 2, 1, 0}, []Rank{Exact, Prefix, Inside, Rare}},
		{"zw", []uint64{4, 2, 1, 0}, []Rank{Exact, Prefix, Inside, Rare}},
		{"张", []uint64{0, 2, 4, 1}, []Rank{Prefix, Prefix, Prefix, Inside}},
		{"张伟", []uint64{4, 1}, []Rank{Exact, Inside}},
	}
	for _, tt := range tests {
		hs := ix.Search(tt.query, 0)
		var ranks []Rank
		for _, h := range hs {
			ranks = append(ranks, h.Rank)
		}
		if !slices.Equal(ids(hs), tt.want) || !slices.Equal(ranks, tt.ranks) {
			t.Errorf("%s: %v %v, want %v %v", tt.query, ids(hs), ranks, tt.want, tt.ranks)
		}
	}
}

// A hit names the document's first matching field but ranks as its best
// one, and a limit keeps the best documents, not the first ones.
func TestRankingFieldsAndLimit(t *testing.T) {
	ix := New(nil)
	ix.Add(1, Field{"居民在社区居住证明", Text})
	ix.Add(2, Field{"流动人口居住登记", Text})
	ix.Add(3, Field{"居民在社区居住证明", Text}, Field{"居住证明", Tag})
	if got := hits(ix.Search("居住", 0)); got != "3/0[5,7) 1/0[5,7) 2/0[4,6)" {
		t.Errorf("居住: %s", got)
	}
	if got := hits(ix.Search("居住", 1)); got != "3/0[5,7)" {
		t.Errorf("居住, limit 1: %s", got)
	}
}

func TestNewestFirst(t *testing.T) {
	hs := []Hit{{ID: 1, Rank: Exact}, {ID: 2, Rank: Exact}, {ID: 3, Rank: Prefix}, {ID: 4, Rank: Inside}, {ID: 5, Rank: Inside}, {ID: 6, Rank: Inside}}
	NewestFirst(hs)
	if got := ids(hs); !slices.Equal(got, []uint64{2, 1, 3, 6, 5, 4}) {
		t.Errorf("got %v", got)
	}
}

// A Tag is found from its beginning only, and not by pinyin; it counts as
// its document's last field.
func TestTag(t *testing.T) {
	ix := New(nil)
	ix.Add(0, Field{"死亡", Text}) // before the first Tag
	ix.Add(1, Field{"王五", Name}, Field{"死亡证明", Tag})
	ix.Add(2, Field{"李四", Name}, Field{"居住证明", Tag})
	ix.Add(3, Field{"死亡", Name}, Field{"经济困难证明", Tag})
	ix.Add(4, Field{"赵六", Name}, Field{"", Tag}) // none
	ix.Add(5, Field{"死者", Name}, Field{"死亡证明", Tag})
	tests := []struct{ query, want string }{
		// Whole names first, then the type that begins so; 死者 by its name
		// first, ranked by its type.
		{"死亡", "0/0[0,2) 3/0[0,2) 1/1[0,2) 5/1[0,2)"},
		{"死", "0/0[0,1) 1/1[0,1) 3/0[0,1) 5/0[0,1)"},
		{"死亡证明", "1/1[0,4) 5/1[0,4)"},
		{"居住", "2/1[0,2)"},
		{"证明", ""},
		{"jz", ""},
		{"sw", "0/0[0,2) 3/0[0,2)"},
	}
	for _, tt := range tests {
		if got := hits(ix.Search(tt.query, 0)); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.query, got, tt.want)
		}
	}
	if got := hits(ix.Search("死亡", 2)); got != "0/0[0,2) 3/0[0,2)" {
		t.Errorf("limit 2: %q", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("a Tag before another field was taken")
		}
	}()
	ix.Add(6, Field{"死亡证明", Tag}, Field{"王五", Name})
}
