package oldledger

import (
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	want := time.Date(2019, 3, 5, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{
		"2019-03-05", "2019-3-5", "2019/3/5", "2019.3.5", "2019.03.05.", "2019年3月5日", "2019年03月05日",
		"2019年3月5号", "20190305", "43529", "43529.4375", "2019-03-05 10:20:30", "2019/3/5 10:20", "2019-03-05T10:20:30",
		"２０１９．３．５", " 2019-03-05 ", "2019-03-05\u3000",
	} {
		got, reason := parseDate(s)
		if reason != "" {
			t.Errorf("parseDate(%q): %s", s, reason)
			continue
		}
		if y, m, d := got.Date(); y != want.Year() || m != want.Month() || d != want.Day() {
			t.Errorf("parseDate(%q) = %s, want 2019-03-05", s, got.Format(time.DateOnly))
		}
	}
	for _, c := range []struct{ in, reason string }{
		{"19.3.5", "四位"},
		{"2019-02-29", "不存在"},
		{"2019-13-01", "不存在"},
		{"三月五日", "看不懂"},
		{"2019-03", "看不懂"},
		{"2019-03-05 上午", "看不懂"},
		{"5/3/2019", "看不懂"},
		{"12", "看不懂"},
	} {
		if _, reason := parseDate(c.in); !strings.Contains(reason, c.reason) {
			t.Errorf("parseDate(%q) gives %q, want a reason with %q", c.in, reason, c.reason)
		}
	}
	if d, reason := parseDate(""); !d.IsZero() || reason != "" {
		t.Errorf("an empty date reads as %v %q", d, reason)
	}
}

func TestReadID(t *testing.T) {
	valid := idNumber("140403", "19900101", 123)
	zeros := idNumber("140403", "19900101", 100) // may end in 000 only with a check digit 0
	for _, c := range []struct {
		in     string
		id     string
		kind   idCell
		reason string
	}{
		{valid, valid, idPlain, ""},
		{" " + valid + " ", valid, idPlain, ""},
		{"140403900101123", "140403900101123", idPlain, ""},       // 15 digits
		{"140403900101123.0", "140403900101123", idPlain, ""},     // 15 digits as a number
		{"1.40403900101123E+14", "140403900101123", idPlain, ""},  // the same, as Excel writes it
		{"1.40403E+17", "", idDamaged, "科学计数法"},                   // Excel's General format
		{"1.40403199001011E+17", "", idDamaged, "15 位有效数字"},       // Excel's XML
		{"140403199001011234.0", "", idDamaged, "15 位有效数字"},       // stored with a decimal point
		{"140403199001011000", "", idDamaged, "末三位是 000"},         // cut to 15 digits
		{"１４０４０３１９９００１０１１２３４", "140403199001011234", idPlain, ""}, // full-width, wrong check digit: idcard says so
	} {
		id, kind, reason := readID(c.in)
		if kind != c.kind || c.id != "" && id != c.id || !strings.Contains(reason, c.reason) {
			t.Errorf("readID(%q) = %q, %d, %q; want %q, %d, a reason with %q", c.in, id, kind, reason, c.id, c.kind, c.reason)
		}
	}
	if floatHint("140403199001011230") == "" || floatHint(valid) != "" && valid[17] != '0' {
		t.Error("the hint for a number printed from a float")
	}
	if strings.HasSuffix(zeros, "000") {
		if _, kind, _ := readID(zeros); kind != idSuspect {
			t.Errorf("a valid number ending in 000 is not suspect")
		}
	}
}

func TestKindOf(t *testing.T) {
	for _, c := range []struct {
		head string
		want column
	}{
		{"姓名", colName}, {" 姓  名 ", colName}, {"姓名*", colName}, {"申请人", colName}, {"居民姓名", colName},
		{"身份证号", colID}, {"身份证号码", colID}, {"证件号码", colID}, {"公民身份号码", colID}, {"身份证号（18位）", colID},
		{"证明类型", colType}, {"证明事项", colType}, {"证明名称", colType}, {"类型", colType},
		{"用途", colPurpose}, {"事由", colPurpose}, {"用途/事由", colPurpose},
		{"日期", colDate}, {"开具日期", colDate}, {"出具日期", colDate}, {"开具时间", colDate},
		{"经办人", colOperator}, {"经办人姓名", colOperator},
		{"编号", colSerial}, {"证明编号", colSerial},
		{"住址", colAddress}, {"家庭住址", colAddress}, {"现住址", colAddress},
		{"备注", colNote},
		{"序号", -1}, {"出生日期", -1}, {"性别", -1}, {"", -1}, {"联系电话", -1},
	} {
		if got := kindOf(c.head); got != c.want {
			t.Errorf("kindOf(%q) = %d, want %d", c.head, got, c.want)
		}
	}
}
