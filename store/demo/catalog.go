package demo

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"taizhang/store"
)

// A use is one reason residents ask for a certificate type: the purpose
// (用途), the units that ask for it (需证明单位), what the worker checked
// (核实情况), and who asks (age range, sex).
type use struct {
	purpose    string
	recipients []string
	verified   []string // templates; see fillVerified
	minAge     int
	maxAge     int
	sex        int // 0 any, 1 men, 2 women
	weight     int
}

// certType is one item of 附件4 with its uses and how often it is asked for.
type certType struct {
	no     int
	weight int
	// season multiplies the weight by month (index 0 = January), in percent;
	// nil means even through the year.
	season *[12]int
	uses   []use
}

const (
	police     = "长治市公安局潞州分局英雄南路派出所"
	education  = "长治市潞州区教育局"
	civil      = "长治市潞州区民政局"
	socialIns  = "长治市潞州区社会保险中心"
	employment = "长治市潞州区公共就业和人才服务中心"
	housing    = "长治市住房保障服务中心"
	health     = "长治市潞州区卫生健康局"
	streetOff  = "英雄南路街道办事处"
	approval   = "长治市潞州区行政审批服务管理局"
	armed      = "长治市潞州区人民武装部"
)

var (
	middleSchools = []string{"长治市第一中学校", "长治市第二中学校", "长治市第四中学校", "长治市第八中学校", "长治市实验中学", "长治市太行中学", "长治市潞州区第一中学"}
	colleges      = []string{"长治学院", "长治医学院", "山西大学", "太原理工大学", "中北大学", "山西师范大学", "山西医科大学", "山西农业大学", "山西财经大学", "长治职业技术学院"}
	primary       = []string{education, education, education, "长治市实验小学", "长治市潞州区英雄南路小学", "长治市潞州区东街小学"}
	aidOffices    = func() []string {
		out := make([]string, len(colleges))
		for i, c := range colleges {
			out[i] = c + "学生资助管理中心"
		}
		return out
	}()
)

var (
	vacations = [12]int{300, 300, 200, 30, 30, 60, 300, 300, 200, 30, 30, 60}
	recruit   = [12]int{250, 250, 250, 60, 60, 200, 250, 250, 60, 20, 20, 60}
	schoolRun = [12]int{60, 60, 80, 100, 120, 180, 200, 200, 120, 80, 60, 60}
)

// certTypes are the 12 types of 附件4 in list order.
var certTypes = []certType{
	{1, 7, &vacations, []use{
		{"{vac}社区实践活动证明", middleSchools, []string{
			"该生{vac}期间在本社区参加{activity}，共{days}天，表现积极。"}, 12, 17, 0, 3},
		{"{vac}社会实践报告盖章", colleges, []string{
			"该生{vac}期间在本社区参加{activity}，共{days}天，实践情况属实。"}, 18, 22, 0, 2},
	}},
	{2, 11, nil, []use{
		{"申请国家助学金", aidOffices, []string{
			"经入户走访核实，该户家庭人口{n}人，{hardship}，家庭收入较低，生活确有困难。"}, 17, 22, 0, 3},
		{"申请临时救助", []string{civil}, []string{
			"经入户走访核实，该户家庭人口{n}人，{hardship}，生活确有困难。"}, 25, 85, 0, 3},
		{"申请医疗救助", []string{"长治市潞州区医疗保障局"}, []string{
			"经入户走访核实，该居民长期患病治疗，医疗费用负担重，家庭经济困难。"}, 30, 85, 0, 2},
		{"申请困难职工帮扶", []string{"长治市潞州区总工会"}, []string{
			"经核实，该户家庭人口{n}人，{hardship}，家庭经济困难情况属实。"}, 30, 58, 0, 1},
	}},
	{3, 25, &schoolRun, []use{
		{"办理子女入学", primary, []string{
			"经核实，该居民自{since}年起在本社区{street}居住至今，子女随其居住。"}, 26, 48, 0, 5},
		{"办理居住证", []string{police}, []string{
			"经核实，该居民自{since}年起在本社区{street}租房居住。"}, 18, 60, 0, 3},
		{"办理机动车登记", []string{"长治市公安局交通警察支队车辆管理所"}, []string{
			"经核实，该居民现居住在本社区{street}。"}, 20, 60, 0, 1},
		{"办理异地就医备案", []string{"长治市医疗保障事务中心"}, []string{
			"经核实，该居民自{since}年起在本社区{street}居住。"}, 55, 86, 0, 1},
		{"办理老年人优待证", []string{"长治市潞州区老龄工作委员会办公室"}, []string{
			"经核实，该居民现居住在本社区{street}，情况属实。"}, 60, 86, 0, 1},
	}},
	{4, 5, nil, []use{
		{"办理火化手续", []string{"长治市殡仪馆"}, []string{
			"经家属申报，走访邻居并查看就医记录，该居民于{death}在家中因病正常死亡。"}, 62, 86, 0, 3},
		{"办理户口注销", []string{police}, []string{
			"经家属申报并走访邻居核实，该居民于{death}在家中因病正常死亡。"}, 62, 86, 0, 2},
		{"领取丧葬补助金和抚恤金", []string{socialIns}, []string{
			"经家属申报并入户核实，该居民于{death}在家中正常死亡。"}, 62, 86, 0, 1},
	}},
	{5, 10, nil, []use{
		{"办理城乡居民养老保险参保登记", []string{socialIns}, []string{
			"经核实，该居民在本社区居住，目前无固定工作单位。"}, 18, 59, 0, 3},
		{"办理灵活就业人员社会保险登记", []string{socialIns}, []string{
			"经核实，该居民在本社区居住，现为灵活就业人员。"}, 18, 55, 0, 2},
		{"办理养老金领取资格认证", []string{socialIns}, []string{
			"经入户核实，该居民健在，现居住在本社区{street}。"}, 60, 86, 0, 2},
	}},
	{6, 7, nil, []use{
		{"办理《就业失业登记证》", []string{employment}, []string{
			"经核实，该居民在本社区居住，现处于失业状态，有就业意愿。"}, 18, 55, 0, 3},
		{"申请灵活就业社会保险补贴", []string{employment}, []string{
			"经核实，该居民在本社区居住，失业后以灵活方式就业，情况属实。"}, 40, 59, 0, 1},
	}},
	{7, 6, nil, []use{
		{"申请公共租赁住房", []string{housing}, []string{
			"经入户核实，该户家庭人口{n}人，在本市无自有住房，现租住在本社区{street}。"}, 22, 75, 0, 3},
		{"申请廉租住房租赁补贴", []string{housing}, []string{
			"经入户核实，该户家庭人口{n}人，{hardship}，在本市无自有住房。"}, 30, 80, 0, 1},
	}},
	{8, 5, nil, []use{
		{"办理流动人口婚育证明", []string{streetOff, health}, []string{
			"经核实，该居民已婚，{kids}，现居住在本社区。"}, 20, 49, 2, 3},
		{"办理生育登记", []string{health}, []string{
			"经核实，该居民已婚，{kids}，在本社区居住。"}, 22, 42, 0, 2},
	}},
	{9, 4, nil, []use{
		{"办理《独生子女父母光荣证》", []string{health}, []string{
			"经核实，该居民夫妻双方只生育一个子女，符合办证条件。"}, 28, 60, 0, 3},
		{"补办《独生子女父母光荣证》", []string{health}, []string{
			"经核实，该居民夫妻只生育一个子女，原证遗失，情况属实。"}, 45, 70, 0, 1},
		{"办理《再生育服务证》", []string{health}, []string{
			"经核实，该居民夫妻现有一个子女，在本社区居住。"}, 25, 42, 0, 1},
	}},
	{10, 6, nil, []use{
		{"申请农村部分计划生育家庭奖励扶助", []string{health}, []string{
			"经核实，该居民夫妻只生育一个子女，家庭基本情况属实。"}, 60, 86, 0, 3},
		{"申请计划生育特别扶助金", []string{health}, []string{
			"经核实，该居民独生子女死亡，本人未再生育或收养子女，情况属实。",
			"经核实，该居民独生子女伤残，本人未再生育或收养子女，情况属实。"}, 49, 86, 0, 2},
		{"申请独生子女父母奖励", []string{health}, []string{
			"经核实，该居民夫妻只生育一个子女，家庭基本情况属实。"}, 50, 65, 0, 1},
	}},
	{11, 8, nil, []use{
		{"办理个体工商户营业执照", []string{approval}, []string{
			"经核实，{street}该房屋为商业用房，产权清晰，拟作为{shop}经营场所。"}, 22, 60, 0, 4},
		{"办理公司住所登记", []string{"长治市行政审批服务管理局"}, []string{
			"经核实，{street}该房屋产权清晰，拟作为公司住所使用。"}, 25, 60, 0, 1},
		{"办理食品经营许可证", []string{approval}, []string{
			"经核实，{street}该房屋为商业用房，拟作为{shop}经营场所。"}, 22, 60, 0, 2},
	}},
	{12, 3, &recruit, []use{
		{"应征入伍政治审查", []string{armed}, []string{
			"经走访邻居并查阅社区记录，该青年在本社区居住期间遵纪守法，思想进步，表现良好，未发现违法犯罪记录，我居委会同意其应征入伍。"}, 18, 22, 1, 1},
	}},
}

var (
	activities = []string{"垃圾分类宣传", "关爱空巢老人志愿服务", "社区环境整治", "防范电信诈骗宣传", "文明城市创建志愿服务", "社区图书角整理", "疫苗接种引导服务"}
	hardships  = []string{"户主长期患病", "家中有残疾人需要照料", "主要劳动力失业", "子女就学负担较重", "因意外事故致困", "单亲家庭，收入微薄"}
	shops      = []string{"便利店", "理发店", "面馆", "五金店", "干洗店", "快递代收点", "水果店", "早餐店"}
	kids       = []string{"育有一孩", "育有二孩", "育有一孩", "暂无子女"}
)

// vacation names the school break a student's certificate is about.
func vacation(t time.Time) string {
	switch t.Month() {
	case time.January, time.February, time.March, time.December:
		return "寒假"
	case time.July, time.August, time.September:
		return "暑假"
	}
	return "课余"
}

// deathDay is a day up to two days before t, after the person's last
// certificate.
func deathDay(r *rand.Rand, p *person, t time.Time) time.Time {
	d := t.AddDate(0, 0, -r.IntN(3))
	if !p.Last.IsZero() && !d.After(p.Last) {
		d = t
	}
	return d
}

// fill replaces the placeholders of a template.
func fill(r *rand.Rand, tmpl string, p *person, t time.Time) string {
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	since := max(p.Birth.Year()+18, 1998, t.Year()-25)
	if since >= t.Year() {
		since = t.Year() - 1
	}
	since += r.IntN(max(1, t.Year()-since))
	return strings.NewReplacer(
		"{vac}", vacation(t),
		"{activity}", one(r, activities),
		"{days}", strconv.Itoa(5+r.IntN(16)),
		"{n}", strconv.Itoa(1+r.IntN(5)),
		"{hardship}", one(r, hardships),
		"{since}", strconv.Itoa(since),
		"{street}", shortAddress(p.Address),
		"{death}", store.ChineseDate(deathDay(r, p, t)),
		"{shop}", one(r, shops),
		"{kids}", one(r, kids),
	).Replace(tmpl)
}

// voidReasons are why a certificate is voided without a correction.
var voidReasons = []string{
	"居民表示暂不需要，证明已收回销毁",
	"打印时纸张错位，已收回销毁，未加盖公章",
	"需证明单位要求使用其指定格式，本证明已收回",
	"与前一份证明重复开具，已收回",
	"居民材料与实际情况不符，证明已收回",
}

// A refusal template: who typically asks, what, and why it is refused.
type refusalKind struct {
	resident bool
	units    []string // for unit requests
	item     string
	reason   store.RefusalReason
	details  []string
	weight   int
}

var refusalKinds = []refusalKind{
	{true, nil, "开具无犯罪记录证明", store.DepartmentsDuty, []string{
		"无犯罪记录证明由公安机关出具，已告知到户籍地派出所办理。"}, 10},
	{true, nil, "出具亲属关系证明", store.NotOnList, []string{
		"不在附件4证明清单内，已告知可凭户口簿或到派出所办理。", ""}, 10},
	{true, nil, "出具婚姻状况证明", store.NotOnList, []string{
		"婚姻状况以婚姻登记机关记录为准，已告知到民政部门查询。"}, 8},
	{true, nil, "出具出生证明", store.DepartmentsDuty, []string{
		"出生医学证明由助产医疗机构出具，已告知到出生医院补办。"}, 6},
	{true, nil, "出具收入证明", store.NotOnList, []string{
		"收入证明应由工作单位出具。", ""}, 6},
	{true, nil, "出具房屋产权证明", store.DepartmentsDuty, []string{
		"房屋权属由不动产登记中心出具查询证明。"}, 4},
	{true, nil, "出具居民在社区居住证明", store.Incomplete, []string{
		"未携带身份证和户口簿，已告知补齐后再来办理。",
		"租房居住但未提供租赁合同，已告知补齐后再来办理。"}, 7},
	{true, nil, "出具经济困难证明", store.Incomplete, []string{
		"未提供家庭成员收入情况材料，已告知补齐。"}, 4},
	{true, nil, "出具经济困难证明", store.Unverifiable, []string{
		"入户走访未能核实家庭收入情况，已请居民提供收入材料后再办理。"}, 4},
	{true, nil, "出具居民在社区居住证明", store.Unverifiable, []string{
		"经入户核实，该居民实际不在本社区居住。"}, 4},
	{true, nil, "在空白介绍信上加盖社区公章", store.OtherReason, []string{
		"要求在空白文书上盖章，违反印章管理规定，已解释。"}, 4},
	{true, nil, "出具邻里纠纷责任认定证明", store.OtherReason, []string{
		"属于民事纠纷，社区可以调解但不出具责任认定，已建议申请人民调解。"}, 2},
	{false, []string{"长治市潞州区爱国卫生运动委员会办公室", "长治市创建国家卫生城市工作指挥部办公室"}, "填报创卫检查台账并加盖社区公章", store.NotOnList, []string{
		"该工作未经准入审批，已告知按准入程序提出申请。"}, 5},
	{false, []string{"长治市潞州区统计局"}, "代为开展入户调查并报送统计台账", store.DepartmentsDuty, []string{
		"属于部门职责且未经准入审批，已告知按准入程序申请。"}, 3},
	{false, []string{"长治市潞州区市场监督管理局"}, "出具辖区商户无违规经营证明", store.DepartmentsDuty, []string{
		"商户经营情况由市场监管部门核查认定。"}, 3},
	{false, []string{"中国建设银行长治分行", "中国工商银行长治分行", "长治农村商业银行"}, "出具客户居住情况核实证明", store.NotOnList, []string{
		"不在附件4证明清单内。", ""}, 3},
	{false, []string{"中国人寿保险股份有限公司长治分公司", "中国平安财产保险股份有限公司长治中心支公司"}, "核实理赔对象死亡情况并盖章", store.NotOnList, []string{
		"死亡证明应由医疗机构或公安机关出具；居民在家正常死亡的，由家属申请办理。"}, 2},
	{false, []string{"长治市鑫源物业服务有限公司"}, "出具业主欠缴物业费情况证明", store.OtherReason, []string{
		"属于物业服务合同纠纷，建议通过协商或法律途径解决。"}, 2},
	{false, []string{"长治市第二中学校", "长治学院"}, "出具学生家庭经济情况调查表盖章", store.Unverifiable, []string{
		"该生家庭不在本社区居住，无法核实。"}, 2},
	{false, []string{"长治市潞州区人力资源和社会保障局"}, "组织辖区居民参加职业技能培训并报送台账", store.Incomplete, []string{
		"未提供准入审批表和经费保障材料，已请补齐。"}, 1},
}
