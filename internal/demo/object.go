package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Object is one entry of a Django fixture:
// {"model": "app.model", "pk": N, "fields": {...}}.
// Foreign keys are written without the "_id" suffix, many-to-many fields
// as lists, natural keys (auth groups) as lists of strings.
type Object struct {
	Model  string
	PK     int
	Fields Fields
}

// Field is one named value of an Object. Values are nil, bool, int,
// float64, string, Decimal, []int or []string.
type Field struct {
	Name  string
	Value any
}

// Fields keeps the declaration order, so the written file reads like a
// Django dump (columns in table order) and stays byte-stable.
type Fields []Field

// Get returns the value of the named field and whether it is present.
func (f Fields) Get(name string) (any, bool) {
	for _, kv := range f {
		if kv.Name == name {
			return kv.Value, true
		}
	}
	return nil, false
}

// set replaces the value of an existing field.
func (f Fields) set(name string, v any) {
	for i := range f {
		if f[i].Name == name {
			f[i].Value = v
			return
		}
	}
	panic("demo: unknown field " + name)
}

// MarshalJSON writes the fields as a JSON object in declaration order.
func (f Fields) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range f {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshal(kv.Name)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		v, err := marshal(kv.Value)
		if err != nil {
			return nil, fmt.Errorf("champ %s : %w", kv.Name, err)
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// MarshalJSON writes the Django fixture shape.
func (o Object) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Model  string `json:"model"`
		PK     int    `json:"pk"`
		Fields Fields `json:"fields"`
	}{o.Model, o.PK, o.Fields})
}

// marshal encodes without HTML escaping: French text with "&" or "<"
// stays readable in the committed file.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// WriteJSON writes objs as an indented Django fixture (2 spaces, UTF-8,
// final newline).
func WriteJSON(w io.Writer, objs []Object) error {
	raw, err := marshal(objs)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, raw, "", "  "); err != nil {
		return err
	}
	out.WriteByte('\n')
	_, err = w.Write(out.Bytes())
	return err
}

// Decimal is a fixed-point number written as a JSON string with its scale,
// as Django dumps DecimalField values ("12.50", "1.0000"). Integer
// arithmetic keeps surfaces and rents exact.
type Decimal struct {
	Units int64 // value × 10^Scale
	Scale int
}

// Cents is a Decimal with 2 decimals (surfaces in m², amounts in €).
func Cents(units int64) Decimal { return Decimal{Units: units, Scale: 2} }

// String formats the value with exactly Scale decimals.
func (d Decimal) String() string {
	neg := d.Units < 0
	u := d.Units
	if neg {
		u = -u
	}
	s := strconv.FormatInt(u, 10)
	if d.Scale > 0 {
		for len(s) <= d.Scale {
			s = "0" + s
		}
		s = s[:len(s)-d.Scale] + "." + s[len(s)-d.Scale:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// MarshalJSON writes the decimal as a string.
func (d Decimal) MarshalJSON() ([]byte, error) {
	return []byte(`"` + d.String() + `"`), nil
}

// Django's serializer writes aware datetimes in UTC with milliseconds.
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func date(t time.Time) string { return t.Format(time.DateOnly) }
