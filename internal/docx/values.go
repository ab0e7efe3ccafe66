package docx

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/shopspring/decimal"
)

// The context is plain Go values. Before a template sees them they are
// adapted once, shallowly and lazily (see the package doc):
//   - structs and pointers to structs become an object whose exported
//     fields and methods answer under their snake_case names;
//   - slices become lists, maps become dicts, funcs become callables;
//   - decimals become float64, zero times and nil pointers become None,
//     named scalar types become their base type.
//
// Values reached through an object (a field, a method's result, a list
// element) are adapted the same way when they are reached.

var (
	typeTime    = reflect.TypeFor[time.Time]()
	typeDecimal = reflect.TypeFor[decimal.Decimal]()
	typeNullDec = reflect.TypeFor[decimal.NullDecimal]()
	typeImage   = reflect.TypeFor[Image]()
	typeError   = reflect.TypeFor[error]()
)

// adaptEntry adapts the value of a context key or dict key; a func is
// named after its key in error messages.
func adaptEntry(name string, v reflect.Value) any {
	for v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() == reflect.Func && !v.IsNil() {
		return callable(name, v)
	}
	return adaptValue(v)
}

// adaptValue turns a Go value into what the template engine works on.
func adaptValue(v reflect.Value) any {
	for v.IsValid() && v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if !v.IsValid() {
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		if v.Elem().Kind() == reflect.Struct && !isScalarStruct(v.Elem().Type()) {
			return object{v: v}
		}
		return adaptValue(v.Elem())
	case reflect.Struct:
		switch v.Type() {
		case typeTime:
			t := v.Interface().(time.Time)
			if t.IsZero() {
				return nil
			}
			return t
		case typeDecimal:
			f, _ := v.Interface().(decimal.Decimal).Float64()
			return f
		case typeNullDec:
			d := v.Interface().(decimal.NullDecimal)
			if !d.Valid {
				return nil
			}
			f, _ := d.Decimal.Float64()
			return f
		case typeImage:
			img := v.Interface().(Image)
			return &img
		}
		// Copy into addressable memory so pointer-receiver methods answer too.
		p := reflect.New(v.Type())
		p.Elem().Set(v)
		return object{v: p}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return string(v.Bytes())
		}
		list := make([]any, v.Len())
		for i := range list {
			list[i] = adaptValue(v.Index(i))
		}
		return list
	case reflect.Map:
		dict := make(map[string]any, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			k := iter.Key()
			key := fmt.Sprint(k.Interface())
			if k.Kind() == reflect.String {
				key = k.String()
			}
			dict[key] = adaptEntry(key, iter.Value())
		}
		return dict
	case reflect.Func:
		if v.IsNil() {
			return nil
		}
		return callable("", v)
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return int(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return int(v.Uint())
	case reflect.Float32, reflect.Float64:
		return v.Float()
	}
	// Channels and other kinds have no meaning in a document.
	return nil
}

// isScalarStruct reports the struct types that are values, not objects.
func isScalarStruct(t reflect.Type) bool {
	return t == typeTime || t == typeDecimal || t == typeNullDec || t == typeImage
}

// object exposes a struct's exported fields and methods under snake_case
// names: numero_operation reads field NumeroOperation, is_avenant() calls
// method IsAvenant. Matching ignores case and underscores, so uuid finds
// UUID. A `docx:"name"` struct tag gives a field another name.
type object struct {
	v reflect.Value // pointer to struct
}

// members caches, per struct type, the normalised names of its fields and
// methods.
type members struct {
	fields  map[string][]int // normalised name -> field index path
	methods map[string]int   // normalised name -> method index on the pointer type
}

var membersCache sync.Map // reflect.Type (pointer type) -> *members

func membersOf(pt reflect.Type) *members {
	if m, ok := membersCache.Load(pt); ok {
		return m.(*members)
	}
	m := &members{fields: map[string][]int{}, methods: map[string]int{}}
	for _, f := range reflect.VisibleFields(pt.Elem()) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		name := f.Name
		if tag, ok := f.Tag.Lookup("docx"); ok && tag != "" && tag != "-" {
			name = tag
		} else if tag == "-" {
			continue
		}
		key := normalise(name)
		if _, dup := m.fields[key]; !dup {
			m.fields[key] = f.Index
		}
	}
	for i := 0; i < pt.NumMethod(); i++ {
		meth := pt.Method(i)
		if meth.Name == "String" {
			continue
		}
		key := normalise(meth.Name)
		if _, dup := m.methods[key]; !dup {
			m.methods[key] = i
		}
	}
	actual, _ := membersCache.LoadOrStore(pt, m)
	return actual.(*members)
}

func normalise(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, "_", ""))
}

// GetAttribute answers obj.name for the template engine.
func (o object) GetAttribute(name string) (*exec.Value, bool) {
	m := membersOf(o.v.Type())
	key := normalise(name)
	if idx, ok := m.fields[key]; ok {
		f, err := o.v.Elem().FieldByIndexErr(idx)
		if err != nil { // through a nil embedded pointer
			return exec.AsValue(nil), true
		}
		return exec.ToValue(adaptValue(f)), true
	}
	if idx, ok := m.methods[key]; ok {
		return exec.AsValue(callable(name, o.v.Method(idx))), true
	}
	return exec.AsValue(nil), false
}

// GetItem answers obj['name'] like obj.name, as Jinja does.
func (o object) GetItem(key any) (*exec.Value, bool) {
	name, ok := key.(string)
	if !ok {
		return exec.AsValue(nil), false
	}
	return o.GetAttribute(name)
}

// String is what {{ obj }} prints: the struct's own String method when it
// has one, else nothing.
func (o object) String() string {
	if s, ok := o.v.Interface().(fmt.Stringer); ok {
		return s.String()
	}
	return ""
}

// callable wraps a Go func so the template engine calls it with template
// values: arguments are converted to the parameter types, a returned error
// fails the rendering, the result is adapted.
func callable(name string, fn reflect.Value) func(*exec.VarArgs) (any, error) {
	return func(args *exec.VarArgs) (any, error) {
		if len(args.KwArgs) > 0 {
			return nil, frenchf("la méthode « %s » n'accepte pas d'argument nommé", name)
		}
		t := fn.Type()
		n := len(args.Args)
		if (!t.IsVariadic() && n != t.NumIn()) || (t.IsVariadic() && n < t.NumIn()-1) {
			return nil, frenchf("la méthode « %s » attend %d argument(s), %d donné(s)", name, t.NumIn(), n)
		}
		in := make([]reflect.Value, n)
		for i, a := range args.Args {
			pt := paramType(t, i)
			conv, err := convertArg(a, pt)
			if err != nil {
				return nil, frenchf("la méthode « %s » : argument %d : %s", name, i+1, err)
			}
			in[i] = conv
		}
		out, err := call(fn, in)
		if err != nil {
			return nil, frenchf("la méthode « %s » a échoué : %s", name, err)
		}
		return out, nil
	}
}

func paramType(t reflect.Type, i int) reflect.Type {
	if t.IsVariadic() && i >= t.NumIn()-1 {
		return t.In(t.NumIn() - 1).Elem()
	}
	return t.In(i)
}

// call invokes fn, turning a panic into an error so a faulty method cannot
// bring the worker down.
func call(fn reflect.Value, in []reflect.Value) (res any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	out := fn.Call(in)
	switch len(out) {
	case 0:
		return nil, nil
	case 1:
		if out[0].Type() == typeError {
			if e, _ := out[0].Interface().(error); e != nil {
				return nil, e
			}
			return nil, nil
		}
		return adaptValue(out[0]), nil
	default:
		if last := out[len(out)-1]; last.Type() == typeError && !last.IsNil() {
			return nil, last.Interface().(error)
		}
		return adaptValue(out[0]), nil
	}
}

// convertArg turns a template value into a Go argument of type t.
func convertArg(a *exec.Value, t reflect.Type) (reflect.Value, error) {
	if a.IsNil() {
		return reflect.Zero(t), nil
	}
	if t == typeDecimal && a.IsNumber() {
		return reflect.ValueOf(decimal.NewFromFloat(a.Float())), nil
	}
	v := a.Val
	for v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	if o, ok := v.Interface().(object); ok {
		v = o.v
		if !v.Type().AssignableTo(t) && v.Elem().Type().AssignableTo(t) {
			v = v.Elem()
		}
	}
	switch {
	case v.Type().AssignableTo(t):
		return v, nil
	case isNumberKind(v.Kind()) && isNumberKind(t.Kind()):
		return v.Convert(t), nil
	case v.Kind() == reflect.String && t.Kind() == reflect.String:
		return v.Convert(t), nil
	case v.Kind() == reflect.Bool && t.Kind() == reflect.Bool:
		return v.Convert(t), nil
	}
	return reflect.Value{}, errors.New("type " + v.Type().String() + " au lieu de " + t.String())
}

func isNumberKind(k reflect.Kind) bool {
	return k >= reflect.Int && k <= reflect.Float64
}

// listMethods answer the QuerySet-like calls the reference templates make on
// collections: lots.first(), logements.all(), prets.count(), ...
var listMethods = func() *exec.MethodSet[[]any] {
	m := map[string]exec.Method[[]any]{
		"first": func(self []any, _ *exec.Value, args *exec.VarArgs) (any, error) {
			if len(self) == 0 {
				return nil, nil
			}
			return self[0], nil
		},
		"last": func(self []any, _ *exec.Value, args *exec.VarArgs) (any, error) {
			if len(self) == 0 {
				return nil, nil
			}
			return self[len(self)-1], nil
		},
		"all": func(self []any, _ *exec.Value, args *exec.VarArgs) (any, error) {
			return self, nil
		},
		"count": func(self []any, _ *exec.Value, args *exec.VarArgs) (any, error) {
			if len(args.Args) == 1 { // Python's list.count(x)
				n := 0
				for _, e := range self {
					if exec.AsValue(e).EqualValueTo(args.Args[0]) {
						n++
					}
				}
				return n, nil
			}
			return len(self), nil
		},
		"exists": func(self []any, _ *exec.Value, args *exec.VarArgs) (any, error) {
			return len(self) > 0, nil
		},
	}
	return exec.NewMethodSet(m)
}()
