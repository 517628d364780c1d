package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"taizhang/store/idcard"
)

// person is a resident of the demo community.
type person struct {
	Name     string
	IDNumber string
	Male     bool
	Birth    time.Time
	Address  string
	Dead     bool      // a 正常死亡证明 was issued: no certificates after that
	Last     time.Time // when the person last got a certificate
}

// age is the person's age in whole years on day t.
func (p *person) age(t time.Time) int {
	a := t.Year() - p.Birth.Year()
	if t.Month() < p.Birth.Month() || t.Month() == p.Birth.Month() && t.Day() < p.Birth.Day() {
		a--
	}
	return a
}

type weighted[T any] struct {
	v T
	w int
}

func pick[T any](r *rand.Rand, items []weighted[T]) T {
	total := 0
	for _, it := range items {
		total += it.w
	}
	n := r.IntN(total)
	for _, it := range items {
		if n < it.w {
			return it.v
		}
		n -= it.w
	}
	return items[len(items)-1].v
}

func one[T any](r *rand.Rand, items []T) T { return items[r.IntN(len(items))] }

// Surnames, weighted per ten thousand people, roughly as in southeast Shanxi:
// the national top surnames, local ones (申, 郭, 牛, 暴, 郜, 栗, 靳), the
// surnames read differently from the character's common reading, and a few
// compound surnames.
var surnames = []weighted[string]{
	{"王", 700}, {"李", 700}, {"张", 650}, {"刘", 500}, {"郭", 260}, {"杨", 330}, {"赵", 280},
	{"陈", 250}, {"申", 90}, {"牛", 70}, {"武", 80}, {"崔", 70}, {"贾", 80}, {"秦", 70},
	{"孙", 150}, {"高", 150}, {"马", 130}, {"胡", 110}, {"朱", 100}, {"徐", 110}, {"周", 130},
	{"吴", 110}, {"黄", 100}, {"梁", 100}, {"宋", 100}, {"韩", 90}, {"冯", 80}, {"董", 70},
	{"郝", 70}, {"闫", 70}, {"田", 60}, {"任", 60}, {"魏", 60}, {"薛", 60}, {"程", 60},
	{"曹", 60}, {"许", 60}, {"常", 50}, {"白", 50}, {"史", 50}, {"侯", 50}, {"吕", 50},
	{"杜", 50}, {"何", 70}, {"郑", 70}, {"于", 60}, {"袁", 50}, {"乔", 40}, {"康", 40},
	{"孟", 40}, {"段", 40}, {"石", 40}, {"范", 40}, {"姚", 40}, {"丁", 40}, {"苏", 40},
	{"卢", 40}, {"林", 50}, {"罗", 40}, {"谢", 40}, {"唐", 40}, {"肖", 40}, {"邓", 30},
	{"霍", 30}, {"靳", 30}, {"尹", 30}, {"贺", 30}, {"毛", 30}, {"孔", 30}, {"姜", 30},
	{"暴", 20}, {"郜", 20}, {"栗", 20}, {"原", 20}, {"连", 20}, {"桑", 10}, {"路", 20},
	// Read differently as surnames: 单 Shàn, 曾 Zēng, 解 Xiè, 仇 Qiú, 区 Ōu,
	// 朴 Piáo, 查 Zhā, 盖 Gě, 乐 Yuè.
	{"单", 30}, {"曾", 30}, {"解", 40}, {"仇", 10}, {"区", 6}, {"朴", 6}, {"查", 8},
	{"盖", 10}, {"乐", 8},
	// Compound surnames.
	{"欧阳", 8}, {"司马", 5}, {"尉迟", 3}, {"诸葛", 3}, {"上官", 5},
}

// TwoReadingSurnames are the surnames whose reading differs from the
// character's everyday one; search must find them by the surname reading.
var TwoReadingSurnames = []string{"单", "曾", "解", "仇", "区", "朴", "查", "盖", "乐"}

// CompoundSurnames are the two-character surnames the generator uses.
var CompoundSurnames = []string{"欧阳", "司马", "尉迟", "诸葛", "上官"}

// Given names by birth cohort and sex, as they were fashionable.
type cohort struct {
	until        int // last birth year of the cohort
	male, female []string
}

var cohorts = []cohort{
	{1964,
		[]string{"建国", "国庆", "建华", "志强", "国华", "振华", "德胜", "福顺", "文明", "保国", "建民", "卫国", "金山", "长生", "永福", "玉林", "树林", "宝山", "根生", "有才", "爱民", "新民", "学文", "志刚", "和平", "解放", "跃进", "援朝", "胜利", "双喜", "明", "华", "平", "勇", "刚", "斌"},
		[]string{"秀英", "桂兰", "淑珍", "玉兰", "凤英", "秀兰", "桂英", "玉梅", "翠花", "秀珍", "玉珍", "金花", "爱华", "红梅", "素芳", "丽华", "淑英", "改花", "玉凤", "巧云", "润梅", "梅花", "兰英", "冬梅", "俊英", "改莲", "英", "兰", "芳", "萍", "霞", "珍"}},
	{1984,
		[]string{"建军", "海涛", "志勇", "晓东", "立新", "卫东", "红军", "海军", "建平", "晓明", "国栋", "向东", "建伟", "俊峰", "小军", "晋生", "晋军", "晋平", "军", "伟", "勇", "刚", "斌", "鹏", "磊", "涛", "强", "杰"},
		[]string{"丽娟", "红霞", "晓燕", "秀梅", "丽萍", "海燕", "彩霞", "晓红", "春梅", "艳红", "晓霞", "晋芳", "慧敏", "丽君", "燕", "静", "丽", "芳", "敏", "娟", "霞", "红", "艳", "莉"}},
	{1999,
		[]string{"鹏飞", "亚军", "晓鹏", "志远", "佳伟", "建宇", "俊杰", "天宇", "帅", "浩", "磊", "超", "凯", "波", "宇", "鑫", "伟", "晨", "龙", "博", "明"},
		[]string{"婷婷", "丽娜", "晓丽", "晶晶", "媛媛", "雅琪", "佳慧", "静", "丹", "倩", "雪", "佳", "敏", "琳", "颖", "璐", "茜", "慧", "露", "莹", "欣", "晶"}},
	{2012,
		[]string{"浩然", "宇轩", "子豪", "梓豪", "俊熙", "皓轩", "子轩", "博文", "一鸣", "昊天", "嘉豪", "浩宇", "泽宇", "思远", "子墨", "晨阳", "睿", "铭", "航"},
		[]string{"子涵", "欣怡", "梓萱", "雨桐", "一诺", "诗涵", "梦琪", "可馨", "语嫣", "紫涵", "佳怡", "雨欣", "若汐", "思彤", "欣然", "婧", "悦", "妍"}},
}

// Rare characters parents choose for names. 𠮷 (U+20BB7) lies outside the
// Basic Multilingual Plane: it takes four bytes in UTF-8 and a surrogate
// pair in UTF-16, the case that breaks careless code.
var (
	rareMale   = []string{"堃", "昇", "喆", "垚", "昱", "䶮", "𠮷", "赟", "燊", "翀", "淼"}
	rareFemale = []string{"珺", "玥", "珏", "琰", "淼", "婕", "𠮷"}
	// rarePartner goes with a rare character to make a two-character name.
	rarePartnerMale   = []string{"阳", "宇", "明", "泽", "文", "轩", "祥", "瑞"}
	rarePartnerFemale = []string{"瑶", "怡", "涵", "雯", "琪", "萱", "如"}
)

// givenName draws a given name fitting the birth year and sex.
func givenName(r *rand.Rand, year int, male bool) string {
	c := cohorts[len(cohorts)-1]
	for _, k := range cohorts {
		if year <= k.until {
			c = k
			break
		}
	}
	// About 4% of names carry a rare character; more among the young.
	rareChance := 2
	if year >= 1985 {
		rareChance = 6
	}
	if r.IntN(100) < rareChance {
		rare, partner := one(r, rareFemale), one(r, rarePartnerFemale)
		if male {
			rare, partner = one(r, rareMale), one(r, rarePartnerMale)
		}
		switch r.IntN(3) {
		case 0:
			return rare
		case 1:
			return rare + partner
		default:
			return partner + rare
		}
	}
	if male {
		return one(r, c.male)
	}
	return one(r, c.female)
}

// The demo community lies in 潞州区; its households live along a few streets.
const district = "潞州区"

var streets = []weighted[string]{
	{"英雄南路", 30}, {"太行东街", 20}, {"府后东街", 15}, {"长兴南路", 15}, {"东大街", 10}, {"紫金东街", 10},
}

// newAddress makes a household address: mostly flats in walk-up blocks
// (潞州区英雄南路12号3单元501室), some high-rise flats, and some single-storey
// courtyard houses (潞州区东大街47号).
func newAddress(r *rand.Rand) string {
	st := pick(r, streets)
	no := 1 + r.IntN(160)
	switch n := r.IntN(100); {
	case n < 10:
		return fmt.Sprintf("%s%s%d号", district, st, no)
	case n < 25:
		return fmt.Sprintf("%s%s%d号院%d号楼%d单元%d%02d室", district, st, no, 1+r.IntN(12), 1+r.IntN(3), 1+r.IntN(26), 1+r.IntN(4))
	default:
		return fmt.Sprintf("%s%s%d号%d单元%d%02d室", district, st, no, 1+r.IntN(6), 1+r.IntN(7), 1+r.IntN(3))
	}
}

// Area codes of ID numbers issued in Changzhi. Residents born up to 2012
// mostly carry the pre-2018 codes (城区 140402, 郊区 140411, 长治县 140421,
// 屯留县 140424, 潞城市 140481) or an unchanged county code; the 2018 codes
// (140403–140406) appear for numbers issued after the reform, e.g. a late
// household registration.
var areaCodes = []weighted[string]{
	{"140402", 320}, {"140411", 120}, {"140421", 100}, {"140481", 60}, {"140424", 50},
	{"140423", 50}, {"140425", 25}, {"140426", 25}, {"140427", 25}, {"140428", 30},
	{"140429", 25}, {"140430", 20}, {"140431", 20},
	{"140403", 60}, {"140404", 30}, {"140405", 20}, {"140406", 20},
}

// idNumber makes a valid 18-character ID number: area, birth date, two
// order digits, a sex digit (odd for men) and the MOD 11-2 check digit.
func idNumber(r *rand.Rand, birth time.Time, male bool) string {
	sex := 2 * r.IntN(5)
	if male {
		sex++
	}
	first17 := fmt.Sprintf("%s%s%02d%d", pick(r, areaCodes), birth.Format("20060102"), r.IntN(100), sex)
	return first17 + string(idcard.CheckDigit(first17))
}

// Birth years the generator uses.
const (
	minBirthYear = 1940
	maxBirthYear = 2012
)

// birthFor draws a birth date so that the person is between minAge and
// maxAge on day t, within 1940–2012. ok is false when no such date exists.
func birthFor(r *rand.Rand, t time.Time, minAge, maxAge int) (time.Time, bool) {
	lo := t.AddDate(-maxAge-1, 0, 1) // oldest: turns maxAge+1 tomorrow
	hi := t.AddDate(-minAge, 0, 0)   // youngest: turns minAge today
	if first := time.Date(minBirthYear, 1, 1, 0, 0, 0, 0, time.UTC); lo.Before(first) {
		lo = first
	}
	if last := time.Date(maxBirthYear, 12, 31, 0, 0, 0, 0, time.UTC); hi.After(last) {
		hi = last
	}
	lo = time.Date(lo.Year(), lo.Month(), lo.Day(), 0, 0, 0, 0, time.UTC)
	hi = time.Date(hi.Year(), hi.Month(), hi.Day(), 0, 0, 0, 0, time.UTC)
	days := int(hi.Sub(lo).Hours()/24) + 1
	if days <= 0 {
		return time.Time{}, false
	}
	return lo.AddDate(0, 0, r.IntN(days)), true
}

// people is the community's population as the generator invents it.
type people struct {
	r          *rand.Rand
	all        []*person
	households []household
	ids        map[string]bool
}

type household struct {
	address, surname string
}

func newPeople(r *rand.Rand) *people { return &people{r: r, ids: map[string]bool{}} }

// surname draws a surname.
func (ps *people) surname() string { return pick(ps.r, surnames) }

// add invents a resident of the given sex and birth date. About a third
// join an existing household (same address, often the same surname).
func (ps *people) add(male bool, birth time.Time) *person {
	r := ps.r
	var h household
	if len(ps.households) >= 20 && r.IntN(3) == 0 {
		h = one(r, ps.households)
		if r.IntN(10) >= 6 {
			h.surname = ps.surname()
		}
	} else {
		h = household{address: newAddress(r), surname: ps.surname()}
		ps.households = append(ps.households, h)
	}
	p := &person{Name: h.surname + givenName(r, birth.Year(), male), Male: male, Birth: birth, Address: h.address}
	for {
		p.IDNumber = idNumber(r, birth, male)
		if !ps.ids[p.IDNumber] {
			break
		}
	}
	ps.ids[p.IDNumber] = true
	ps.all = append(ps.all, p)
	return p
}

// addNamed adds a resident with a given surname and given name (the
// generator's guaranteed examples of rare characters and surnames).
func (ps *people) addNamed(surname, given string, male bool, birth time.Time) *person {
	p := ps.add(male, birth)
	p.Name = surname + given
	return p
}

// homophones are slips a worker makes typing a name by pinyin; a demo
// correction fixes one.
var homophones = map[rune]rune{
	'静': '晶', '丽': '莉', '伟': '玮', '军': '君', '华': '桦', '明': '铭', '芳': '方',
	'红': '宏', '敏': '民', '娟': '鹃', '霞': '侠', '强': '墙', '杰': '洁', '涛': '滔',
	'磊': '蕾', '燕': '艳', '鹏': '朋', '宇': '雨', '浩': '昊', '欣': '馨',
}

// misspell returns name with one character replaced by a homophone, or ""
// when no character of the given name has a listed homophone.
func misspell(name string) string {
	rs := []rune(name)
	for i := len(rs) - 1; i >= 1; i-- {
		if h, ok := homophones[rs[i]]; ok {
			rs[i] = h
			return string(rs)
		}
	}
	return ""
}

// shortAddress is the street part of an address, for the 核实情况 text.
func shortAddress(addr string) string {
	addr = strings.TrimPrefix(addr, district)
	if i := strings.Index(addr, "号"); i >= 0 {
		return addr[:i+len("号")]
	}
	return addr
}
