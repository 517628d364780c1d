package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"taizhang/store/idcard"
)

// The generated old ledger is what an office's Excel sheet looks like saved
// as CSV by WPS: UTF-8 with a byte-order mark, CRLF line ends, the merged
// title row above the header, one certificate a row, oldest first, dates
// over seven years, the type written as the office wrote it, and the old
// serial of each year. Every row is valid, so both sides load all of them.

// title and header are the sheet's first two rows.
const title = "英雄南路社区居民委员会出具证明登记台账"

var header = []string{"序号", "编号", "开具日期", "姓名", "身份证号", "证明类型", "用途", "住址", "经办人", "核实情况", "备注"}

// colDate is the column of the date, which the sample's month is counted by.
const colDate = 2

// The ledger's years: fixed, so that a seed gives the same file on any day.
var (
	firstDay = time.Date(2019, 1, 2, 0, 0, 0, 0, time.UTC)
	lastDay  = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
)

// sample is what the lookups ask for: an ID number's last six and four
// digits and a name, each of a resident in the file, and a month of it
// with how many rows it holds.
type sample struct {
	ID6, ID4  string
	Name      string
	Month     string // 2022-06
	MonthRows int
}

// A kind is one item of 附件4 as offices write it: the spellings seen in
// old ledgers (the judge of 准入核查 maps each to the item; gen_test checks
// it), what it is used for, who asks for it, and how often.
type kind struct {
	no        int
	weight    int
	spellings []string
	purposes  []string
	verified  []string
	ages      ageGroup
}

type ageGroup int

const (
	anyAge ageGroup = iota
	young           // students and recruits
	adult
	elder
)

var kinds = []kind{
	{1, 7, []string{"社会实践证明", "寒暑假社会实践证明", "学生社区实践活动证明", "学生寒暑假参加社区实践活动证明"},
		[]string{"寒假社会实践报告盖章", "暑假社区实践活动证明", "学校社会实践学分认定"},
		[]string{"该生假期在本社区参加志愿服务，表现良好。"}, young},
	{2, 11, []string{"经济困难证明", "家庭经济困难证明", "困难证明", "困难家庭证明"},
		[]string{"申请国家助学金", "申请临时救助", "申请医疗救助", "申请困难职工帮扶"},
		[]string{"经入户走访，该户家庭人口3人，户主长期患病，生活确有困难。", "经入户核实，该户主要劳动力失业，家庭收入较低。"}, anyAge},
	{3, 25, []string{"居住证明", "在社区居住证明", "住址证明", "居民在社区居住证明"},
		[]string{"办理子女入学", "办理居住证", "办理机动车登记", "办理异地就医备案", "办理老年人优待证"},
		[]string{"", "经核实，该居民在本社区居住。"}, adult},
	{4, 5, []string{"死亡证明", "在家死亡证明", "正常死亡证明", "居民在家正常死亡证明"},
		[]string{"办理火化手续", "办理户口注销", "领取丧葬补助金和抚恤金"},
		[]string{"经家属申报并走访邻居核实，该居民在家中因病正常死亡。"}, elder},
	{5, 10, []string{"社保证明", "社会保险证明", "办理社保证明", "居民办理社会保险证明"},
		[]string{"办理城乡居民养老保险参保登记", "办理灵活就业人员社会保险登记", "办理养老金领取资格认证"},
		[]string{"", "经核实，该居民在本社区居住，目前无固定工作单位。"}, adult},
	{6, 7, []string{"失业证明", "就业失业登记证明", "失业登记证明", "就业证明"},
		[]string{"办理《就业失业登记证》", "申请灵活就业社会保险补贴"},
		[]string{"经核实，该居民在本社区居住，现处于失业状态。"}, adult},
	{7, 6, []string{"廉租房证明", "公租房证明", "公租房申请核实证明", "廉租房、公租房申请核实证明"},
		[]string{"申请公共租赁住房", "申请廉租住房租赁补贴"},
		[]string{"经入户核实，该户在本市无自有住房，现租房居住。"}, anyAge},
	{8, 5, []string{"婚育证明", "流动人口婚育证明", "婚育情况证明"},
		[]string{"办理流动人口婚育证明", "办理生育登记"},
		[]string{"经核实，该居民已婚，育有一孩，现居住在本社区。"}, adult},
	{9, 4, []string{"独生子女证明", "独生子女父母光荣证证明", "光荣证证明", "再生育服务证证明"},
		[]string{"办理《独生子女父母光荣证》", "补办《独生子女父母光荣证》", "办理《再生育服务证》"},
		[]string{"经核实，该居民夫妻只生育一个子女。"}, adult},
	{10, 6, []string{"奖励扶助证明", "奖励扶助家庭核实证明", "享受计生奖励、扶助、优惠政策的家庭基本情况核实证明"},
		[]string{"申请农村部分计划生育家庭奖励扶助", "申请计划生育特别扶助金", "申请独生子女父母奖励"},
		[]string{"经核实，该居民夫妻只生育一个子女，家庭基本情况属实。"}, elder},
	{11, 8, []string{"经营场所证明", "住所证明（经营场所）", "住所登记证明", "营业执照住所证明"},
		[]string{"办理个体工商户营业执照", "办理公司住所登记", "办理食品经营许可证"},
		[]string{"", "经核实，该房屋为商业用房，产权清晰。"}, adult},
	{12, 3, []string{"入伍政审", "征兵政审", "应征入伍政审鉴定意见", "入伍政审意见"},
		[]string{"应征入伍政治审查"},
		[]string{"经走访邻居，该青年在本社区居住期间遵纪守法，表现良好。"}, young},
}

// Names. Surnames weighted per thousand, with local ones (申, 郜, 暴),
// surnames read differently (单 解 仇 区 查) and compound ones; given names
// with rare characters (𠮷 lies outside the BMP), and transcribed names
// with a middle dot.
var (
	surnames = []weighted{
		{"王", 70}, {"李", 70}, {"张", 65}, {"刘", 50}, {"杨", 33}, {"赵", 28}, {"郭", 26}, {"陈", 25},
		{"孙", 15}, {"高", 15}, {"马", 13}, {"周", 13}, {"胡", 11}, {"吴", 11}, {"徐", 11}, {"朱", 10},
		{"申", 9}, {"牛", 7}, {"武", 8}, {"崔", 7}, {"贾", 8}, {"秦", 7}, {"郝", 7}, {"闫", 7},
		{"暴", 2}, {"郜", 2}, {"栗", 2}, {"靳", 3}, {"单", 3}, {"解", 4}, {"仇", 1}, {"区", 1}, {"查", 1},
		{"欧阳", 1}, {"司马", 1}, {"上官", 1},
	}
	givenMale   = strings.Fields("建国 国庆 建华 志强 振华 德胜 卫国 有才 建军 海涛 志勇 晓东 立新 晋生 鹏飞 俊杰 天宇 浩然 宇轩 子豪 伟 勇 刚 斌 磊 涛 强 杰 鑫 博")
	givenFemale = strings.Fields("秀英 桂兰 淑珍 玉兰 凤英 改花 丽娟 红霞 晓燕 秀梅 晋芳 慧敏 婷婷 丽娜 晶晶 雅琪 子涵 欣怡 梓萱 雨桐 静 丽 芳 敏 娟 霞 燕 倩 颖 璐")
	rareMale    = strings.Fields("堃 喆 垚 䶮 𠮷 赟 燊 翀 淼")
	rareFemale  = strings.Fields("珺 玥 珏 琰 婕 𠮷")
	transcribed = []string{"阿依古丽·吐尔逊", "买买提·艾力", "古丽娜尔·阿不都", "热依汗古丽·买买提", "扎西·多吉"}
)

// Area codes of ID numbers issued in Changzhi, before and after the 2018
// reform, with a few from elsewhere in Shanxi.
var areas = []weighted{
	{"140402", 32}, {"140411", 12}, {"140421", 10}, {"140481", 6}, {"140424", 5}, {"140423", 5},
	{"140403", 6}, {"140404", 3}, {"140405", 2}, {"140406", 2}, {"140100", 2}, {"140202", 1},
}

var streets = []weighted{{"英雄南路", 30}, {"太行东街", 20}, {"府后东街", 15}, {"长兴南路", 15}, {"东大街", 10}, {"紫金东街", 10}}

// operators of each period: staff change over the years.
var operators = [][]string{{"李红梅", "王建军"}, {"李红梅", "赵丽娟", "张志强"}, {"赵丽娟", "郭晓东", "申晋芳"}}

var remarks = []string{"本人办理", "家属代办", "补开", "已电话核实", "原件已收回", "加急"}

type weighted struct {
	v string
	w int
}

func pick(r *rand.Rand, items []weighted) string {
	return pickBy(r, items, func(it weighted) int { return it.w }).v
}

// pickBy draws one of items, each as often as its weight says.
func pickBy[T any](r *rand.Rand, items []T, weight func(T) int) T {
	total := 0
	for _, it := range items {
		total += weight(it)
	}
	n := r.IntN(total)
	for _, it := range items {
		if n -= weight(it); n < 0 {
			return it
		}
	}
	return items[len(items)-1]
}

func one(r *rand.Rand, l []string) string { return l[r.IntN(len(l))] }

// resident is someone the ledger names; they come back for other
// certificates, never twice within 30 days, and not after a death.
type resident struct {
	name, id, addr string
	last           int // day number of the last certificate
	gone           bool
}

type generator struct {
	r      *rand.Rand
	pools  [4][]*resident // by ageGroup
	ids    map[string]bool
	serial map[int]int // per year: last number
	homes  []string
}

// generate writes rows rows to path and returns what the lookups ask for.
// The file is streamed: only the residents stay in memory.
func generate(path string, rows int, seed uint64) (sample, error) {
	f, err := os.Create(path)
	if err != nil {
		return sample{}, err
	}
	s, err := writeLedger(f, rows, seed)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return s, err
}

func writeLedger(f *os.File, rows int, seed uint64) (sample, error) {
	g := &generator{r: rand.New(rand.NewPCG(seed, 0x7a1)), ids: map[string]bool{}, serial: map[int]int{}}
	days := workdays()
	bw := bufio.NewWriterSize(f, 256<<10)
	bw.WriteString("\uFEFF")
	w := csv.NewWriter(bw)
	w.UseCRLF = true
	titleRow := make([]string, len(header))
	titleRow[0] = title
	if err := w.Write(titleRow); err != nil {
		return sample{}, err
	}
	if err := w.Write(header); err != nil {
		return sample{}, err
	}
	s := sample{Month: days[len(days)/2].Format("2006-01")}
	rec := make([]string, len(header))
	for i := range rows {
		day := i * len(days) / max(rows, 1)
		p := g.row(rec, i, day, days[day])
		switch {
		case i >= rows/2 && s.ID6 == "" && !strings.HasSuffix(p.id, "X"):
			s.ID6, s.Name = p.id[12:], p.name
		case i >= rows/3 && s.ID4 == "" && !strings.HasSuffix(p.id, "X"):
			s.ID4 = p.id[14:]
		}
		if strings.HasPrefix(rec[colDate], s.Month) {
			s.MonthRows++
		}
		if err := w.Write(rec); err != nil {
			return s, err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return s, err
	}
	return s, bw.Flush()
}

// workdays are the days the office is open, Monday to Friday.
func workdays() []time.Time {
	var out []time.Time
	for d := firstDay; !d.After(lastDay); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			out = append(out, d)
		}
	}
	return out
}

// row fills rec with row i, issued on date (day number day), and returns
// the resident it names.
func (g *generator) row(rec []string, i, day int, date time.Time) *resident {
	r := g.r
	k := pickKind(r)
	p := g.resident(k, day, date)
	p.last = day
	if k.no == 4 {
		p.gone = true
	}
	year := date.Year()
	g.serial[year]++
	period := min((year-firstDay.Year())*len(operators)/(lastDay.Year()-firstDay.Year()+1), len(operators)-1)
	name, id := p.name, p.id
	if r.IntN(40) == 0 {
		name += " " // a trailing space typed in the cell
	}
	if strings.HasSuffix(id, "X") && r.IntN(5) == 0 {
		id = id[:17] + "x"
	}
	remark := ""
	if r.IntN(8) == 0 {
		remark = one(r, remarks)
	}
	rec[0] = strconv.Itoa(i + 1)
	rec[1] = fmt.Sprintf("%d-%04d", year, g.serial[year])
	rec[2] = date.Format(time.DateOnly)
	rec[3] = name
	rec[4] = id
	rec[5] = one(r, k.spellings)
	rec[6] = one(r, k.purposes)
	rec[7] = p.addr
	rec[8] = one(r, operators[period])
	rec[9] = one(r, k.verified)
	rec[10] = remark
	return p
}

// pickKind draws a certificate type by how often offices issue it.
func pickKind(r *rand.Rand) kind { return pickBy(r, kinds, func(k kind) int { return k.weight }) }

// resident picks someone who came before (about half the time) or a new
// resident of the kind's age group.
func (g *generator) resident(k kind, day int, date time.Time) *resident {
	pool := &g.pools[k.ages]
	if n := len(*pool); n > 50 && g.r.IntN(2) == 0 {
		for range 3 {
			p := (*pool)[g.r.IntN(n)]
			if !p.gone && day-p.last >= 45 { // 45 workdays: over 30 days
				return p
			}
		}
	}
	p := g.newResident(k, date)
	*pool = append(*pool, p)
	return p
}

func (g *generator) newResident(k kind, date time.Time) *resident {
	r := g.r
	var from, to int // birth years
	switch k.ages {
	case young:
		from, to = date.Year()-22, date.Year()-12
	case elder:
		from, to = 1930, 1960
	case adult:
		from, to = 1955, date.Year()-20
	default:
		from, to = 1935, date.Year()-18
	}
	if k.no == 12 {
		from, to = date.Year()-22, date.Year()-18
	}
	male := r.IntN(2) == 0 || k.no == 12
	birth := time.Date(from+r.IntN(to-from+1), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	p := &resident{name: g.name(male), addr: g.home()}
	for p.id == "" || g.ids[p.id] {
		sex := 2 * r.IntN(5)
		if male {
			sex++
		}
		first17 := fmt.Sprintf("%s%s%02d%d", pick(r, areas), birth.Format("20060102"), r.IntN(100), sex)
		p.id = first17 + string(idcard.CheckDigit(first17))
	}
	g.ids[p.id] = true
	return p
}

func (g *generator) name(male bool) string {
	r := g.r
	switch n := r.IntN(1000); {
	case n < 3:
		return one(r, transcribed)
	case n < 40:
		rare := rareFemale
		if male {
			rare = rareMale
		}
		return pick(r, surnames) + one(r, rare) + one(r, []string{"", "宇", "明", "瑶", "轩"})
	}
	given := givenFemale
	if male {
		given = givenMale
	}
	return pick(r, surnames) + one(r, given)
}

// home is an address; a third of new residents join a household.
func (g *generator) home() string {
	r := g.r
	if len(g.homes) > 100 && r.IntN(3) == 0 {
		return one(r, g.homes)
	}
	st, no := pick(r, streets), 1+r.IntN(160)
	var a string
	switch n := r.IntN(100); {
	case n < 10:
		a = fmt.Sprintf("潞州区%s%d号", st, no)
	case n < 25:
		a = fmt.Sprintf("潞州区%s%d号院%d号楼%d单元%d%02d室", st, no, 1+r.IntN(12), 1+r.IntN(3), 1+r.IntN(26), 1+r.IntN(4))
	default:
		a = fmt.Sprintf("潞州区%s%d号%d单元%d%02d室", st, no, 1+r.IntN(6), 1+r.IntN(7), 1+r.IntN(3))
	}
	g.homes = append(g.homes, a)
	return a
}
