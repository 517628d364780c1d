package store

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// Rules for what a worker may type, shared by every form (certificates,
// refusals, approval forms, operators, the profile) so the screens and the
// command line refuse the same things with the same words:
//
//   - Text is kept in Unicode NFC (CleanText), so a name typed or pasted in
//     decomposed form is the same name.
//   - No field holds control, format (zero-width, bidi) or private-use
//     characters: they are invisible on screen, can reorder what a printout
//     shows, and are refused with a message saying what and where, never
//     silently removed.
//   - A person's name holds letters (any script; rare CJK outside the BMP
//     too), combining marks, spaces, "." "-" and the middle dots of
//     transcribed names; no digits, signs or emoji.
//   - Free text (addresses, reasons, remarks) may hold any printable text,
//     emoji included, up to the field's length.

// nameDots are the separators of transcribed names (阿卜杜·热合曼).
const nameDots = "·・•‧･.- "

// textProblem is the message for the first character of s that no field
// may hold, "" when there is none. An emoji is one picture however many
// characters make it: the zero-width joiner inside 👨‍👩‍👧 is not reported.
func textProblem(s string) string {
	if !strings.ContainsFunc(s, Invisible) {
		return "" // the common case, without splitting into clusters
	}
	state, pos := -1, 0
	for rest := s; rest != ""; {
		var cl string
		cl, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
		pic, _ := utf8.DecodeRuneInString(cl)
		for j, r := range cl {
			if emoji(pic) && (r == 0x200D || r >= 0xE0020 && r <= 0xE007F) {
				continue // the joiner and the tags (🏴 flags) of an emoji
			}
			if msg := charProblem(s[:pos+j], r); msg != "" {
				return msg
			}
		}
		pos += len(cl)
	}
	return ""
}

// charProblem is the message for r, which follows before, if no field may
// hold it.
func charProblem(before string, r rune) string {
	switch {
	case !Invisible(r):
		return ""
	case r == utf8.RuneError:
		return "含有无法识别的字符（可能是从别的文件复制来的乱码），请清空这一栏，重新用键盘输入。"
	case unicode.Is(unicode.Co, r):
		return fmt.Sprintf("%s有一个电脑自造的字（私用区字符 U+%04X），别的电脑和打印件上显示不出来。请改用输入法中的标准汉字（生僻字可用输入法的生僻字功能查找）。",
			where(before), r)
	}
	kind, also := invisibleKind(r)
	return fmt.Sprintf("%s有一个看不见的%s（U+%04X）%s。请清空这一栏，重新用键盘输入（不要从网页或微信复制粘贴）。",
		where(before), kind, r, also)
}

// invisibleKind names an invisible character for a worker, and what it does.
func invisibleKind(r rune) (kind, also string) {
	switch {
	case r == 0x061C || r == 0x200E || r == 0x200F || r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069:
		return "文字方向控制符", "，它会让文字倒着或错位显示"
	case r >= 0x200B && r <= 0x200D || r == 0x2060 || r == 0xFEFF || r == 0x180E:
		return "零宽字符", ""
	case unicode.IsControl(r):
		return "控制字符", ""
	}
	return "格式字符", ""
}

// where says where in a field a character is, by what comes before it:
// 开头 or “张三”之后 (the last few characters, as the worker sees them).
func where(before string) string {
	var vis []rune
	for _, r := range before {
		if !Invisible(r) {
			vis = append(vis, r)
		}
	}
	if len(vis) == 0 {
		return "开头"
	}
	const show = 6
	if len(vis) > show {
		return "“…" + string(vis[len(vis)-show:]) + "”之后"
	}
	return "“" + string(vis) + "”之后"
}

// nameProblem is the message for the first character of a name (already
// free of invisible characters) that a name may not hold; digits are
// allowed in an operator's name (张敏2), not in a resident's.
func nameProblem(s string, digits bool) string {
	for i, r := range s {
		switch {
		case unicode.IsLetter(r), unicode.IsMark(r), strings.ContainsRune(nameDots, r):
		case r >= 0x20000 && r <= 0x3FFFF:
			// CJK extension planes: a rare character newer than Go's tables.
		case unicode.IsDigit(r):
			if !digits {
				return fmt.Sprintf("不能含有数字“%c”，请只填写姓名。", r)
			}
		case emoji(r):
			// Shown whole: a flag is two characters, a family several.
			pic, _, _, _ := uniseg.FirstGraphemeClusterInString(s[i:], -1)
			return fmt.Sprintf("不能含有表情符号“%s”，请只填写姓名的文字。", pic)
		default:
			return fmt.Sprintf("不能含有“%c”；姓名只能是文字（少数民族或外国人姓名中间可用“·”隔开）。", r)
		}
	}
	return ""
}

// emoji reports the symbols that are pictures (😀 ❤ 🇨🇳 and skin tones):
// the emoji blocks and the emoji variation selector.
func emoji(r rune) bool {
	return r >= 0x1F000 && r <= 0x1FAFF || r >= 0x2600 && r <= 0x27BF || r >= 0x2B00 && r <= 0x2BFF || r == 0xFE0F || r == 0x20E3
}

// checkName holds a name to the rules above and to 1…max characters.
func checkName(field, s string, max int, digits bool) error {
	if err := checkText(field, s, 1, max, true); err != nil {
		return err
	}
	if msg := nameProblem(s, digits); msg != "" {
		return &FieldError{field, msg}
	}
	return nil
}

// TooLong is the message for text of n characters where max are allowed.
func TooLong(n, max int) string {
	return "太长（现在 " + strconv.Itoa(n) + " 个字），最多 " + strconv.Itoa(max) + " 个字，请删减。"
}

// FormulaLike reports text that a spreadsheet would take for a formula if
// it stood at the start of a cell: = + - @, or a tab or carriage return
// that some spreadsheets skip before them (OWASP's list for CSV injection).
// The CSV and XLSX writers make such cells inert; the ledger keeps the text
// as typed.
func FormulaLike(s string) bool {
	return s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0
}
