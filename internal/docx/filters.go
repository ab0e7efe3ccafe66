package docx

import (
	"math"
	"strings"
	"time"

	"github.com/nikolalohinski/gonja/v2/builtins"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/shopspring/decimal"

	"github.com/MTES-MCT/apilos-go/internal/fr"
)

// filters is gonja's built-in set plus the reference's document filters;
// "d" (gonja's alias of default) is replaced by the French date, as in
// the reference's Jinja environment.
var filters = func() *exec.FilterSet {
	fs := exec.NewFilterSet(map[string]exec.FilterFunction{})
	fs.Update(builtins.Filters)
	own := map[string]exec.FilterFunction{
		"f":                     filterNumber,
		"pl":                    filterPlural,
		"d":                     dateFilter(fr.DateLong, ""),
		"dd":                    dateFilter(fr.DateLong, "---"),
		"sd":                    dateFilter(fr.DateShort, ""),
		"sdd":                   dateFilter(fr.DateShort, "---"),
		"tl":                    filterTypologie,
		"len":                   filterLen,
		"length":                filterLen,
		"default_empty_if_none": defaultIfFalsy(""),
		"default_str_if_none":   defaultIfFalsy("---"),
		"inline_text_multiline": filterInlineMultiline,
		"get_text_as_list":      filterTextAsList,
	}
	for _, level := range append([]string{""}, levels...) {
		own[outputFilter(level)] = outputFilterFunc(level)
	}
	for name, fn := range own {
		if fs.Exists(name) {
			_ = fs.Replace(name, fn)
		} else {
			_ = fs.Register(name, fn)
		}
	}
	return fs
}()

func failf(format string, args ...any) *exec.Value {
	return exec.AsValue(frenchf(format, args...))
}

// toDecimal reads a number from a template value: an int, a float (a
// decimal of the context) or a numeric string.
func toDecimal(v *exec.Value) (decimal.Decimal, bool) {
	switch {
	case v.IsInteger():
		return decimal.NewFromInt(int64(v.Integer())), true
	case v.IsFloat():
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return decimal.Decimal{}, false
		}
		return decimal.NewFromFloat(f), true
	case v.IsString():
		d, err := decimal.NewFromString(strings.TrimSpace(v.String()))
		if err != nil {
			d, err = fr.ParseDecimal(v.String())
		}
		return d, err == nil
	}
	return decimal.Decimal{}, false
}

// filterNumber is f: a French number with 2 decimals, or with the number
// of decimals given ({{ x|f(0) }}); None gives "".
func filterNumber(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	places := 2
	arg := params.GetKeywordArgument("d", nil)
	if len(params.Args) > 0 {
		arg = params.Args[0]
	}
	if !arg.IsNil() {
		if !arg.IsInteger() || arg.Integer() < 0 || arg.Integer() > 12 {
			return failf("le filtre « f » attend un nombre de décimales entre 0 et 12, reçu « %s »", arg.String())
		}
		places = arg.Integer()
	}
	if in.IsNil() {
		return exec.AsValue("")
	}
	d, ok := toDecimal(in)
	if !ok {
		return failf("le filtre « f » attend un nombre, reçu « %s »", in.String())
	}
	return exec.AsValue(fr.Number(d, int32(places)))
}

// filterPlural is pl: "s" when the value is more than 1 (a list: more than
// one element), else "".
func filterPlural(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	if in.IsList() || in.IsDict() {
		return exec.AsValue(plural(in.Len() > 1))
	}
	d, ok := toDecimal(in)
	return exec.AsValue(plural(ok && d.GreaterThan(decimal.NewFromInt(1))))
}

func plural(many bool) string {
	if many {
		return "s"
	}
	return ""
}

func filterLen(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	if in.IsNil() {
		return exec.AsValue(0)
	}
	return exec.AsValue(in.Len())
}

// toTime reads a date: a time.Time of the context, or an ISO date string.
// ok is false for anything else; a None or empty value gives a zero time.
func toTime(v *exec.Value) (time.Time, bool) {
	if v.IsNil() {
		return time.Time{}, true
	}
	if t, ok := v.Interface().(time.Time); ok {
		return t, true
	}
	if v.IsString() {
		s := strings.TrimSpace(v.String())
		if s == "" {
			return time.Time{}, true
		}
		for _, layout := range []string{time.DateOnly, time.RFC3339Nano, time.DateTime} {
			if t, err := time.Parse(layout, s); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// dateFilter formats a date; an empty date gives empty.
func dateFilter(format func(time.Time) string, empty string) exec.FilterFunction {
	return func(e *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
		if in.IsError() {
			return in
		}
		t, ok := toTime(in)
		if !ok {
			return failf("une date est attendue, reçu « %s »", in.String())
		}
		if t.IsZero() {
			return exec.AsValue(empty)
		}
		return exec.AsValue(format(t))
	}
}

// typologies maps the stored typologie codes to their labels.
var typologies = map[string]string{
	"T1": "T1", "T1bis": "T1 bis", "T1prime": "T1'", "T2": "T2", "T3": "T3",
	"T4": "T4", "T5": "T5", "T6": "T6", "T7": "T7",
}

// filterTypologie is tl: a logement typologie (code or label) written
// "Logement T 1 bis"; anything else gives "".
func filterTypologie(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	s := strings.TrimSpace(in.String())
	label, ok := typologies[s]
	if !ok {
		for _, l := range typologies {
			if l == s {
				label, ok = l, true
			}
		}
	}
	if !ok {
		return exec.AsValue("")
	}
	return exec.AsValue(strings.Replace(label, "T", "Logement T ", 1))
}

// defaultIfFalsy gives def for None and for empty or zero values (Python
// truthiness, as the reference's filters), else the value unchanged.
func defaultIfFalsy(def string) exec.FilterFunction {
	return func(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
		if in.IsError() {
			return in
		}
		if !in.IsTrue() {
			return exec.AsValue(def)
		}
		return in
	}
}

// filterInlineMultiline writes a multi-line text on one line: lines
// trimmed (and of a trailing comma), empty lines dropped, joined by ", ".
func filterInlineMultiline(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	if in.IsNil() {
		return exec.AsValue("")
	}
	if !in.IsString() {
		return in
	}
	var parts []string
	for _, l := range splitLines(in.String()) {
		l = strings.TrimRight(strings.TrimSpace(l), ",")
		if l != "" {
			parts = append(parts, l)
		}
	}
	return exec.AsValue(strings.Join(parts, ", "))
}

// filterTextAsList turns a text into the list of its non-empty lines,
// stripped of the bullets " -*" typed at either end.
func filterTextAsList(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	list := []any{}
	if in.IsNil() {
		return exec.AsValue(list)
	}
	for _, l := range splitLines(in.String()) {
		if l = strings.Trim(l, " -*"); l != "" {
			list = append(list, l)
		}
	}
	return exec.AsValue(list)
}

func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Split(s, "\n")
}
