package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"testing"
)

// The tests read the generated fixture as JSON, the way a loader would,
// not the generator's own structures.

type fixObj struct {
	Model  string         `json:"model"`
	PK     int            `json:"pk"`
	Fields map[string]any `json:"fields"`
}

type dataset struct {
	objs    []fixObj
	byModel map[string][]fixObj
	index   map[string]map[int]fixObj
}

func render(t testing.TB, objs []Object) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteJSON(&b, objs); err != nil {
		t.Fatalf("WriteJSON : %v", err)
	}
	return b.Bytes()
}

func parse(t testing.TB, data []byte) *dataset {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var objs []fixObj
	if err := dec.Decode(&objs); err != nil {
		t.Fatalf("fixture illisible : %v", err)
	}
	d := &dataset{objs: objs, byModel: map[string][]fixObj{}, index: map[string]map[int]fixObj{}}
	for _, o := range objs {
		d.byModel[o.Model] = append(d.byModel[o.Model], o)
		if d.index[o.Model] == nil {
			d.index[o.Model] = map[int]fixObj{}
		}
		if _, dup := d.index[o.Model][o.PK]; dup {
			t.Fatalf("%s pk %d en double", o.Model, o.PK)
		}
		d.index[o.Model][o.PK] = o
	}
	return d
}

func generated(t testing.TB, opt Options) *dataset {
	t.Helper()
	return parse(t, render(t, Generate(opt)))
}

func (o fixObj) String() string { return fmt.Sprintf("%s pk %d", o.Model, o.PK) }

func (o fixObj) str(t testing.TB, name string) string {
	t.Helper()
	v, ok := o.Fields[name]
	if !ok {
		t.Fatalf("%s : champ %s absent", o, name)
	}
	if v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		t.Fatalf("%s : %s = %v, une chaîne était attendue", o, name, v)
	}
	return s
}

func (o fixObj) isNull(t testing.TB, name string) bool {
	t.Helper()
	v, ok := o.Fields[name]
	if !ok {
		t.Fatalf("%s : champ %s absent", o, name)
	}
	return v == nil
}

// ref returns the primary key an FK field holds, or 0 when it is null.
func (o fixObj) ref(t testing.TB, name string) int {
	t.Helper()
	v, ok := o.Fields[name]
	if !ok {
		t.Fatalf("%s : champ %s absent", o, name)
	}
	if v == nil {
		return 0
	}
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("%s : %s = %v, un entier était attendu", o, name, v)
	}
	i, err := n.Int64()
	if err != nil {
		t.Fatalf("%s : %s = %v : %v", o, name, v, err)
	}
	return int(i)
}

func (o fixObj) list(t testing.TB, name string) []any {
	t.Helper()
	v, ok := o.Fields[name]
	if !ok {
		t.Fatalf("%s : champ %s absent", o, name)
	}
	l, ok := v.([]any)
	if !ok {
		t.Fatalf("%s : %s = %v, une liste était attendue", o, name, v)
	}
	return l
}

// children returns the objects of model whose fk points to pk, by pk.
func (d *dataset) children(model, fk string, pk int, t testing.TB) []fixObj {
	var out []fixObj
	for _, o := range d.byModel[model] {
		if o.ref(t, fk) == pk {
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PK < out[j].PK })
	return out
}

// dec parses a fixture decimal ("12.34") exactly.
func dec(t testing.TB, s string) *big.Rat {
	t.Helper()
	r, ok := new(big.Rat).SetString(s)
	if !ok || s == "" {
		t.Fatalf("décimal invalide %q", s)
	}
	return r
}

func mustRat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic(s)
	}
	return r
}

// round2 rounds a non-negative value half up to the cent (§20.8).
func round2(x *big.Rat) *big.Rat {
	n := new(big.Rat).Mul(x, big.NewRat(100, 1))
	n.Add(n, big.NewRat(1, 2))
	q := new(big.Int).Quo(n.Num(), n.Denom())
	return new(big.Rat).SetFrac(q, big.NewInt(100))
}

func mul(xs ...*big.Rat) *big.Rat {
	r := big.NewRat(1, 1)
	for _, x := range xs {
		r = new(big.Rat).Mul(r, x)
	}
	return r
}

func itoa(i int) string { return strconv.Itoa(i) }

// refValue reads a primary key inside a many-to-many list.
func refValue(t testing.TB, v any) int {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("clé %v : un entier était attendu", v)
	}
	i, err := n.Int64()
	if err != nil {
		t.Fatal(err)
	}
	return int(i)
}
