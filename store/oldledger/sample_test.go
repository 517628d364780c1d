package oldledger

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"taizhang/store/idcard"
)

// writeSample writes a made-up old ledger of n rows as a CSV (UTF-8, the
// header offices use, rows in date order from 2017 to 2025): about one
// person in three comes back for a second certificate, types are written
// the ways offices write them, every row valid. It is the same for the
// same n, so that benchmarks compare like with like.
func writeSample(w io.Writer, n int) error {
	rng := rand.New(rand.NewPCG(uint64(n), 13))
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("编号,姓名,身份证号,证明类型,用途,开具日期,经办人,住址,备注\n")
	type person struct{ name, id, address string }
	people := make([]person, max(n*2/5, 1))
	surnames := []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文")
	given := []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华建国红梅兰玉春海燕丹鹏宇浩晨欣怡佳琪子轩雨萱")
	areas := []string{"140403", "140404", "140405", "140406", "140423", "140425", "140402", "140411", "140421"}
	streets := []string{"英雄南路", "英雄中路", "太行东街", "太行西街", "紫金街", "府后东街", "长兴路", "城隍庙街"}
	taken := make(map[string]bool, len(people))
	for i := range people {
		name := string(surnames[rng.IntN(len(surnames))]) + string(given[rng.IntN(len(given))])
		if rng.IntN(3) > 0 {
			name += string(given[rng.IntN(len(given))])
		}
		var first string
		for first == "" || taken[first] { // one number, one person
			birth := time.Date(1940+rng.IntN(66), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
			first = fmt.Sprintf("%s%s%03d", areas[rng.IntN(len(areas))], birth.Format("20060102"), rng.IntN(1000))
		}
		taken[first] = true
		people[i] = person{name, first + string(idcard.CheckDigit(first)), fmt.Sprintf("潞州区%s%d号%d单元%d号", streets[rng.IntN(len(streets))], 1+rng.IntN(200), 1+rng.IntN(6), 101+rng.IntN(1500))}
	}
	types := [][]string{
		{"社会实践证明", "寒暑假社会实践证明"}, {"经济困难证明", "家庭经济困难证明"}, {"居住证明", "在本社区居住的证明", "居民在社区居住证明"},
		{"死亡证明", "在家死亡证明"}, {"社保证明", "办理社会保险证明"}, {"就业失业登记证明"}, {"公租房申请核实证明", "廉租房证明"},
		{"流动人口婚育证明", "婚育证明"}, {"独生子女父母光荣证证明"}, {"计生奖励扶助证明", "享受计生奖励、扶助、优惠政策的家庭基本情况核实证明"}, {"住所登记证明", "经营场所证明"}, {"入伍政审", "应征入伍政审鉴定意见"},
	}
	purposes := []string{"办理社保", "子女上学", "申请低保", "办理户口", "银行开户", "办理公积金", "申请救助", "办理营业执照", "办理丧葬", "入伍", "申请公租房"}
	operators := []string{"王丽", "李红", "张敏", "刘洋"}
	start := time.Date(2017, 1, 3, 0, 0, 0, 0, time.UTC)
	days := int(time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC).Sub(start).Hours() / 24)
	year, no := 0, 0
	for i := 0; i < n; i++ {
		p := people[rng.IntN(len(people))]
		if i < len(people) {
			p = people[i]
		}
		d := start.AddDate(0, 0, i*days/n)
		if d.Year() != year {
			year, no = d.Year(), 0
		}
		no++
		ts := types[rng.IntN(len(types))]
		note := ""
		if rng.IntN(20) == 0 {
			note = "已核实户口簿"
		}
		if _, err := fmt.Fprintf(bw, "%d-%04d,%s,%s,%s,%s,%s,%s,%s,%s\n", year, no, p.name, p.id, ts[rng.IntN(len(ts))],
			purposes[rng.IntN(len(purposes))], d.Format("2006-01-02"), operators[rng.IntN(len(operators))], p.address, note); err != nil {
			return err
		}
	}
	return bw.Flush()
}
