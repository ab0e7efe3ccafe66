package web

import (
	"bytes"
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/google/uuid"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/importxlsx"
	"github.com/MTES-MCT/apilos-go/internal/programme"
	"github.com/MTES-MCT/apilos-go/internal/upload"
)

// stepView is a page of the convention's form (template convention_step).
type stepView struct {
	Page
	Flashes   []flash
	H         conventionHeader
	Stepper   stepperView
	Action    string
	Multipart bool // a field takes files: the form is sent as multipart
	Editable  bool // something may be changed: the save buttons show
	Info      []recapField
	Groups    []fieldGroupView
	LotsTitle string
	Lots      []lotBlockView
	Tables    []tableView
	// Errors are the problems of a refused save; Confirm the optional
	// ones awaiting "Valider quand même".
	Errors   []string
	Confirm  []string
	Prev     string
	Next     string
	RecapURL string
	// CommentForms are the forms of the comment widgets (outside the
	// step's form).
	CommentForms []commentField
}

type stepperView struct {
	Title     string
	Current   int
	Count     int
	NextTitle string
	Items     []stepItem
}

type stepItem struct {
	Label, URL string
	Current    bool
}

type fieldGroupView struct {
	Title  string
	Fields []fieldView
}

// fieldView is one input with its label, value, problems and comments.
type fieldView struct {
	ID, Name, Label, Kind, Value string
	Checked, Disabled            bool
	Options                      []optionView
	Errors                       []string
	Comment                      commentField
	// Files are the attachments of a text+files field; MaxFileMo the
	// size each new one may have.
	Files     []attachedView
	MaxFileMo int
}

// attachedView is one attachment of a text+files field: its download link.
type attachedView struct {
	UUID, Name, URL string
}

type optionView struct {
	Value, Label string
	Selected     bool
}

type lotBlockView struct {
	Title  string
	Index  int
	UUID   string
	Fields []fieldView
}

type tableView struct {
	ID, Title string
	Columns   []string
	Rows      []rowView
	Errors    []string
	Comments  []commentField
	CanAdd    bool
	AddURL    string
	// ImportURL is the spreadsheet import of the table ("" when none or
	// not editable).
	ImportURL string
}

type rowView struct {
	Index     string
	UUID      string
	Table     string
	Cells     []fieldView
	Errors    []string
	Removable bool
	RemoveURL string
	Comment   commentField
}

// stepView builds the page from an input (stored or posted) and the
// problems of a refused save.
func (c *conventions) stepView(r *http.Request, st *stepCtx, input programme.Input, probs programme.Problems) *stepView {
	ctx := r.Context()
	conv := st.k.Convention
	id := conv.UUID.String()
	avenant := st.content.Convention.IsAvenant()
	v := &stepView{Page: c.s.page(r, st.step.Label()), Flashes: c.s.popFlashes(ctx), H: header(conv, access.FromContext(ctx)),
		Action: st.url, RecapURL: recapURL(id)}
	v.Title = v.H.Title + " — " + st.step.Label()
	v.Stepper = stepperOf(st, id)
	in := addressable(input)

	if st.step == programme.StepBailleur {
		b := st.content.Bailleur
		v.Info = []recapField{
			{Label: programme.FieldLabel(programme.ObjBailleur, "nom"), Value: orDash(b.Nom), Comment: st.ix.field(programme.ObjBailleur, "nom", &b.UUID)},
			{Label: programme.FieldLabel(programme.ObjBailleur, "siret"), Value: orDash(b.Siret), Comment: st.ix.field(programme.ObjBailleur, "siret", &b.UUID)},
			{Label: programme.FieldLabel(programme.ObjBailleur, "adresse"), Value: orDash(strings.TrimSpace(b.Adresse + " " + b.CodePostal + " " + b.Ville)),
				Comment: st.ix.field(programme.ObjBailleur, "adresse", &b.UUID)},
		}
	}
	for _, g := range st.desc.groups {
		gv := fieldGroupView{Title: g.title}
		for _, f := range g.fields {
			owner := st.owner(f.object, nil)
			fv := st.fieldView(f, f.object, f.name, owner, in, probs.Field(f.name))
			v.Editable = v.Editable || !fv.Disabled
			v.Multipart = v.Multipart || f.kind == kindTextFiles
			gv.Fields = append(gv.Fields, fv)
		}
		v.Groups = append(v.Groups, gv)
	}
	if d := st.desc.lots; d != nil {
		v.LotsTitle = "Lots"
		lots := in.FieldByName("Lots")
		for i := 0; i < lots.Len() && i < len(st.content.Lots); i++ {
			lot, lv := st.content.Lots[i], lots.Index(i)
			b := lotBlockView{Title: "Lot " + programme.FinancementLabel(lot.Financement), Index: i, UUID: lot.UUID.String()}
			prefix := fmt.Sprintf("%s-%d-", programme.TableLots, i)
			for _, f := range d.fields {
				if f.name == "lgts_mixite_sociale_negocies" && !programme.HasMixiteOption(lot.Financement) {
					continue
				}
				fv := st.fieldView(f, programme.ObjLot, f.name, lot.UUID, lv, probs.Cell(programme.TableLots, i, f.name))
				fv.Name, fv.ID = prefix+f.name, prefix+f.name
				b.Fields = append(b.Fields, fv)
			}
			if d.annexes {
				opts := lv.FieldByName("Options").Interface().(map[string]bool)
				for _, o := range programme.AnnexeOptions {
					key := programme.FieldKey(programme.ObjLot, o.Code, lot.UUID)
					b.Fields = append(b.Fields, fieldView{ID: prefix + o.Code, Name: prefix + o.Code, Kind: kindCheckbox,
						Label: programme.FieldLabel(programme.ObjLot, o.Code), Value: "1", Checked: opts[o.Code],
						Disabled: !st.k.CanEditField(key), Errors: probs.Cell(programme.TableLots, i, o.Code),
						Comment: st.ix.field(programme.ObjLot, o.Code, &lot.UUID)})
				}
			}
			for _, f := range b.Fields {
				v.Editable = v.Editable || !f.Disabled
			}
			v.Lots = append(v.Lots, b)
		}
	}
	for _, t := range st.desc.tables {
		tv := tableView{ID: t.table, Title: t.title, Errors: probs.Table(t.table), CanAdd: st.tableAddable(t),
			AddURL: "/etapes/" + stepPath(st.step, avenant) + "/" + id + "/ligne/" + t.table}
		labelObj := t.labelObj
		if labelObj == "" {
			labelObj = t.object
		}
		for _, col := range t.cols {
			tv.Columns = append(tv.Columns, programme.FieldLabel(labelObj, col.name))
		}
		if t.lotOwned {
			for _, l := range st.content.Lots {
				cf := st.ix.key(programme.TableKey(t.object, l.UUID))
				cf.Label += " — lot " + programme.FinancementLabel(l.Financement)
				tv.Comments = append(tv.Comments, cf)
			}
		} else {
			tv.Comments = append(tv.Comments, st.ix.key(programme.TableKey(t.object, st.content.Programme.UUID)))
		}
		rows := t.rows(in)
		for i := 0; i < rows.Len(); i++ {
			rv := st.rowView(t, rows.Index(i), fmt.Sprint(i), i, probs)
			v.Editable = v.Editable || rv.Removable
			tv.Rows = append(tv.Rows, rv)
		}
		if tv.CanAdd {
			v.Editable = true
			if t.kind != "" {
				tv.ImportURL = importURL(importxlsx.Kind(t.kind), id)
			}
		}
		v.Tables = append(v.Tables, tv)
	}
	if next := programme.Next(st.content, st.step); next != "" {
		v.Next = stepURL(next, avenant, id)
	} else {
		v.Next = v.RecapURL
	}
	v.CommentForms = v.commentWidgets()
	for i, it := range v.Stepper.Items {
		if it.Current && i > 0 {
			v.Prev = v.Stepper.Items[i-1].URL
		}
	}
	return v
}

// stepperOf is the DSFR stepper: the convention's steps (an avenant's
// ticked ones), the current one and the next.
func stepperOf(st *stepCtx, id string) stepperView {
	avenant := st.content.Convention.IsAvenant()
	sv := stepperView{Title: st.step.Label()}
	for _, s := range programme.Steps(st.content) {
		if avenant && !st.content.Convention.HasType(s.AvenantType()) {
			continue
		}
		sv.Items = append(sv.Items, stepItem{Label: s.Label(), URL: stepURL(s, avenant, id), Current: s == st.step})
		if s == st.step {
			sv.Current = len(sv.Items)
		}
	}
	sv.Count = len(sv.Items)
	if next := programme.Next(st.content, st.step); next != "" {
		sv.NextTitle = next.Label()
	} else {
		sv.NextTitle = "Récapitulatif"
	}
	return sv
}

// fieldView is the input of one field of v (the Input or a lot).
func (st *stepCtx) fieldView(f fieldDesc, object, name string, owner uuid.UUID, v reflect.Value, errs []string) fieldView {
	fv := fieldView{ID: name, Name: name, Kind: f.kind, Label: programme.FieldLabel(object, name), Errors: errs,
		Disabled: !st.k.CanEditField(programme.FieldKey(object, name, owner)), Comment: st.ix.field(object, name, &owner)}
	switch f.kind {
	case kindCheckbox:
		fv.Value, fv.Checked = "1", getBool(v, f.gof)
	case kindTextFiles:
		fv.Value, fv.MaxFileMo = getString(v, f.gof), upload.MaxFileSize>>20
		id := st.k.Convention.UUID.String()
		for _, a := range st.content.TextFilesOf(name).Attached() {
			fv.Files = append(fv.Files, attachedView{UUID: a.UUID, Name: a.Name, URL: "/upload/" + id + "/media/" + a.UUID})
		}
	default:
		fv.Value = getString(v, f.gof)
		fv.Options = st.options(f, fv.Value)
	}
	return fv
}

// options of a select or radio: the catalogue list, or the convention's
// lots; a stored value outside the list stays selectable.
func (st *stepCtx) options(f fieldDesc, value string) []optionView {
	var out []optionView
	found := false
	add := func(code, label string) {
		out = append(out, optionView{Value: code, Label: label, Selected: code == value})
		found = found || code == value
	}
	switch f.kind {
	case kindSelect:
		add("", "— À choisir —")
		for _, ch := range f.choices {
			add(ch.Code, ch.Label)
		}
	case kindRadio:
		for _, ch := range f.choices {
			add(ch.Code, ch.Label)
		}
	case kindLots:
		for _, code := range st.content.Financements() {
			add(code, programme.FinancementLabel(code))
		}
	default:
		return nil
	}
	if !found && value != "" {
		add(value, value)
	}
	return out
}

// rowView is one row of a table; pos is its index among the posted rows
// (-1 for a new empty row), for its problems.
func (st *stepCtx) rowView(t tableDesc, row reflect.Value, idx string, pos int, probs programme.Problems) rowView {
	editable := st.rowEditable(t, row)
	rv := rowView{Index: idx, UUID: getString(row, "UUID"), Table: t.table, Removable: editable, RemoveURL: "/etapes/ligne-retiree"}
	if pos >= 0 {
		rv.Errors = probs.Cell(t.table, pos, "")
	}
	labelObj := t.labelObj
	if labelObj == "" {
		labelObj = t.object
	}
	for _, col := range t.cols {
		name := fmt.Sprintf("%s-%s-%s", t.table, idx, col.name)
		cv := fieldView{ID: name, Name: name, Kind: col.kind, Label: programme.FieldLabel(labelObj, col.name), Disabled: !editable}
		if col.kind == kindCheckbox {
			cv.Value, cv.Checked = "1", getBool(row, col.gof)
		} else {
			cv.Value = getString(row, col.gof)
			cv.Options = st.options(col, cv.Value)
		}
		if pos >= 0 {
			cv.Errors = probs.Cell(t.table, pos, col.name)
		}
		rv.Cells = append(rv.Cells, cv)
	}
	if u, err := uuid.Parse(rv.UUID); err == nil {
		rv.Comment = st.ix.field(t.object, "uuid", &u)
	}
	return rv
}

// key is the widget of a comment key "<nom>__<champ>__<uuid>".
func (ix *commentIndex) key(k string) commentField {
	parts := strings.SplitN(k, "__", 3)
	if len(parts) != 3 {
		return commentField{}
	}
	if u, err := uuid.Parse(parts[2]); err == nil {
		return ix.field(parts[0], parts[1], &u)
	}
	return ix.field(parts[0], parts[1], nil)
}

// renderPartial executes one named template of a page's set (an htmx
// fragment).
func (r *renderer) renderPartial(page, name string, data any) ([]byte, error) {
	t, ok := r.pages[page]
	if !ok {
		return nil, fmt.Errorf("gabarit de page inconnu : %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, fmt.Errorf("rendu du fragment %q : %w", name, err)
	}
	return buf.Bytes(), nil
}

// commentWidgets lists the page's comment widgets that have forms.
func (v *stepView) commentWidgets() []commentField {
	var out []commentField
	add := func(cf commentField) {
		if cf.Enabled && (cf.CanAdd || len(cf.Comments) > 0) {
			out = append(out, cf)
		}
	}
	for _, f := range v.Info {
		add(f.Comment)
	}
	for _, g := range v.Groups {
		for _, f := range g.Fields {
			add(f.Comment)
		}
	}
	for _, l := range v.Lots {
		for _, f := range l.Fields {
			add(f.Comment)
		}
	}
	for _, t := range v.Tables {
		for _, cf := range t.Comments {
			add(cf)
		}
		for _, r := range t.Rows {
			add(r.Comment)
		}
	}
	return out
}
