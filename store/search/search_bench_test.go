package search

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"

	"taizhang/assets"
)

// Synthetic ledger: 2–4 character names from common surnames and given-name
// characters, 18-digit Changzhi ID numbers with a valid check digit, serials
// "YYYY-NNNN", certificate types (a Tag, as the 证明 screen indexes them).
const (
	benchSurnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
	benchGiven    = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰文华红玉萍建国志军林海燕鹏辉玲飞婷斌宇浩凯健俊帆帅旭宁龙林欣博晨阳佳瑞子轩雨泽思琪梓涵一诺欣怡浩然嘉怡宇轩子豪梦洁晓东亮春梅金凤德胜福顺永和成云峰振兴卫东晓燕淑珍玉兰秀兰凤英桂英建华建平丽娟海涛小红小明三四五"
)

var regions = []string{"140402", "140403", "140404", "140405", "140406", "140411", "140421", "140423", "140424", "140425", "140426", "140427", "140428", "140429", "140430", "140431", "140481"}

type benchRecord struct{ name, id, serial, typ string }

var benchTypes = []string{"社区实践证明", "经济困难证明", "居住证明", "死亡证明", "社会保险办理证明", "就业失业登记证明",
	"住房保障申请核实证明", "流动人口婚育证明", "计划生育证件办理证明", "计生家庭情况核实证明", "住所（经营场所）证明", "应征入伍政审鉴定意见"}

func idNumber(r *rand.Rand) string {
	b := []byte(regions[r.IntN(len(regions))])
	b = fmt.Appendf(b, "%04d%02d%02d%03d", 1940+r.IntN(80), 1+r.IntN(12), 1+r.IntN(28), r.IntN(1000))
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(b[i]-'0') * w
	}
	return string(append(b, "10X98765432"[sum%11]))
}

func benchRecords(n int) []benchRecord {
	r := rand.New(rand.NewPCG(1, 2))
	sur, given := []rune(benchSurnames), []rune(benchGiven)
	out := make([]benchRecord, n)
	for i := range out {
		var b strings.Builder
		b.WriteRune(sur[r.IntN(len(sur))])
		for k := 1 + r.IntN(3); k > 0; k-- { // 2–4 characters in all
			b.WriteRune(given[r.IntN(len(given))])
		}
		out[i] = benchRecord{b.String(), idNumber(r), fmt.Sprintf("%d-%04d", 2020+i/10000, i%10000), benchTypes[r.IntN(len(benchTypes))]}
	}
	return out
}

func buildLedger(recs []benchRecord) *Index { return buildLedgerGrown(recs, false) }

// buildLedgerGrown builds the ledger index, with grow making room for all
// records first (Index.Grow) as the 证明 screen does.
func buildLedgerGrown(recs []benchRecord, grow bool) *Index {
	ix := New(nil)
	if grow {
		ix.Grow(len(recs), 3)
	}
	for i, rec := range recs {
		ix.Add(uint64(i), Field{rec.name, Name}, Field{rec.id, Digits}, Field{rec.serial, Code}, Field{rec.typ, Tag})
	}
	return ix
}

var (
	ledgerOnce sync.Once
	ledger     *Index
)

func ledger100k() *Index {
	ledgerOnce.Do(func() { ledger = buildLedger(benchRecords(100_000)) })
	return ledger
}

func BenchmarkNewPinyin(b *testing.B) {
	s, p, err := assets.PinyinOverrides()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := NewPinyin(s, p); err != nil {
			b.Fatal(err)
		}
	}
}

func heapAlloc() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkIndex100k builds the ledger index, growing as it goes (append)
// or with room made first (Grow); MB-heap is the live heap the index holds
// afterwards (records and Pinyin excluded).
func BenchmarkIndex100k(b *testing.B) {
	recs := benchRecords(100_000)
	DefaultPinyin()
	for _, grow := range []bool{false, true} {
		b.Run(map[bool]string{false: "append", true: "Grow"}[grow], func(b *testing.B) {
			var mb float64
			for b.Loop() {
				b.StopTimer()
				before := heapAlloc()
				b.StartTimer()
				ix := buildLedgerGrown(recs, grow)
				b.StopTimer()
				mb = float64(heapAlloc()-before) / (1 << 20)
				runtime.KeepAlive(ix)
				b.StartTimer()
			}
			b.ReportMetric(mb, "MB-heap")
		})
	}
	runtime.KeepAlive(recs)
}

// benchQueries: names by pinyin and characters, ID digits, serials (as
// stored, as printed, without the dash, a number alone), a type word, a
// legacy 15-digit ID number, one letter.
var benchQueries = []string{"zhangs", "zs", "zhangw", "wangf", "张", "建华", "1238", "140402", "2026-0042",
	"英南证2026-0042", "20260042", "42", "死亡", "140402900101123", "x"}

func BenchmarkSearch100k(b *testing.B) {
	ix := ledger100k()
	for _, limit := range []int{0, 50} {
		for _, q := range benchQueries {
			b.Run(fmt.Sprintf("%s/limit=%d", q, limit), func(b *testing.B) {
				var n int
				for b.Loop() {
					n = len(ix.Search(q, limit))
				}
				b.ReportMetric(float64(n), "hits")
			})
		}
	}
}

func BenchmarkSearchLists(b *testing.B) {
	c, err := assets.LoadCatalog()
	if err != nil {
		b.Fatal(err)
	}
	ix := New(nil)
	n := 0
	for li, l := range c.Lists {
		for _, it := range l.Items {
			ix.Add(uint64(li<<16|it.No), Field{it.Text, Text}, Field{it.Category, Text}, Field{strings.Join(it.Basis, "；"), Text})
			n++
		}
	}
	b.Logf("%d list items", n)
	ix.SetSynonyms(DefaultSynonyms())
	for _, q := range []string{"jzzm", "xiaofang", "居住", "zm", "j", "2017", "低保", "dibao"} {
		b.Run(q, func(b *testing.B) {
			var h int
			for b.Loop() {
				h = len(ix.Search(q, 0))
			}
			b.ReportMetric(float64(h), "hits")
		})
	}
}
