package web

// The pages of the convention's form (spec workflows §3): one generic
// handler for every step of programme.Steps, at the reference's paths
// (/conventions/<step>/<uuid>, /conventions/avenant_<step>/<uuid>).
// GET shows the stored values; POST saves through programme.Save in one
// transaction, or re-renders with the problems beside the fields and
// nothing saved. Rows are added and removed in place with htmx, or with
// submit buttons that re-render the form without JavaScript.

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/programme"
	"github.com/MTES-MCT/apilos-go/internal/upload"
)

func init() { routeGroups = append(routeGroups, (*server).stepRoutes) }

// stepRoutes registers the step pages and their row fragments.
func (s *server) stepRoutes() {
	c := newConventions(s)
	view := func(p access.Permission) access.Rule { return access.PermOn(p, access.ConventionFromPath("uuid")) }
	s.handleFunc("GET /conventions/{step}/{uuid}", view(access.ViewConvention), c.stepPage)
	// Multipart when the step has text+files fields: their new files
	// come with the form (maxUploadRequest, as POST /upload/).
	s.handle("POST /conventions/{step}/{uuid}", view(access.ChangeConvention), acceptFiles(maxUploadRequest, c.stepPost))
	// htmx: one empty row of a table, and the (empty) answer that removes
	// one. Outside /conventions/ so that no pattern there overlaps them.
	s.handleFunc("GET /etapes/{step}/{uuid}/ligne/{table}", view(access.ChangeConvention), c.stepRow)
	s.handleFunc("GET /etapes/ligne-retiree", access.LoggedIn(), c.stepRowRemoved)
}

// stepPath is the path segment of a step: avenants prefix avenant_, and
// say "stationnement" in the singular.
func stepPath(s programme.Step, avenant bool) string {
	if !avenant {
		return string(s)
	}
	if s == programme.StepStationnements {
		return "avenant_stationnement"
	}
	return "avenant_" + string(s)
}

func stepURL(s programme.Step, avenant bool, id string) string {
	return "/conventions/" + stepPath(s, avenant) + "/" + id
}

// stepOfPath reads a path segment back into a step.
func stepOfPath(seg string) programme.Step {
	if rest, ok := strings.CutPrefix(seg, "avenant_"); ok {
		if rest == "stationnement" {
			return programme.StepStationnements
		}
		return programme.Step(rest)
	}
	return programme.Step(seg)
}

// stepCtx is what every step request reads once: the capability, the
// content and the comments.
type stepCtx struct {
	k       *convention.Capability
	content *programme.Content
	step    programme.Step
	desc    stepDesc
	ix      *commentIndex
	url     string
}

// loadStep reads the step of the route; it answers 404 (and false) for a
// step that does not belong to the convention, or is not the path of its
// kind (avenant or not), or an avenant step whose type is not ticked.
func (c *conventions) loadStep(w http.ResponseWriter, r *http.Request) (*stepCtx, bool) {
	ctx := r.Context()
	step := stepOfPath(r.PathValue("step"))
	if !step.Valid() {
		c.s.notFound(w, r)
		return nil, false
	}
	k, err := c.capability(r)
	if err != nil {
		c.s.serverError(w, r, err)
		return nil, false
	}
	content, err := programme.Load(ctx, c.s.opts.DB, k.Convention.ID)
	if err != nil {
		c.s.serverError(w, r, err)
		return nil, false
	}
	avenant := content.Convention.IsAvenant()
	if !programme.HasStep(content, step) || stepPath(step, avenant) != r.PathValue("step") ||
		avenant && !content.Convention.HasType(step.AvenantType()) {
		c.s.notFound(w, r)
		return nil, false
	}
	st := &stepCtx{k: k, content: content, step: step, desc: describeStep(content, step),
		url: stepURL(step, avenant, k.Convention.UUID.String())}
	if st.ix, err = newCommentIndex(ctx, c.s.opts.DB, k, st.url); err != nil {
		c.s.serverError(w, r, err)
		return nil, false
	}
	return st, true
}

func (c *conventions) stepPage(w http.ResponseWriter, r *http.Request) {
	st, ok := c.loadStep(w, r)
	if !ok {
		return
	}
	v := c.stepView(r, st, programme.StoredInput(st.content, st.step), nil)
	c.s.render(w, r, http.StatusOK, "convention_step", v)
}

func (c *conventions) stepPost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st, ok := c.loadStep(w, r)
	if !ok {
		return
	}
	in := st.parse(r)
	form := r.PostForm
	if form.Has("add_row") || form.Has("remove_row") {
		// Without JavaScript: the form again, one row more or less, nothing saved.
		c.s.render(w, r, http.StatusOK, "convention_step", c.stepView(r, st, in, nil))
		return
	}
	sub := access.FromContext(ctx)
	opt := programme.Options{IgnoreOptional: form.Get("ignore_optional_errors") == "1",
		Env: programme.Env{Today: programme.DateOf(c.today())}}
	files, closeFiles, err := st.postedFiles(r)
	defer closeFiles()
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	// The new files are stored in the step's transaction; their objects
	// are removed when it rolls back.
	var keys []string
	err = c.tx(ctx, func(tx pgx.Tx) error {
		edits, written, err := c.storeStepFiles(ctx, tx, st, files)
		keys = written
		if err != nil {
			return err
		}
		_, err = programme.Save(ctx, tx, sub, st.k.Convention.UUID, withFileEdits(in, edits), opt)
		return err
	})
	if err != nil && len(keys) > 0 {
		c.discardStored(ctx, keys)
	}
	if err != nil {
		var refusal *upload.Error
		if errors.As(err, &refusal) {
			v := c.stepView(r, st, in, nil)
			v.Errors = []string{refusal.Message}
			c.s.render(w, r, http.StatusOK, "convention_step", v)
			return
		}
		if errors.Is(err, upload.ErrNotFound) {
			c.s.notFound(w, r)
			return
		}
		if ve, ok := programme.AsValidationError(err); ok {
			v := c.stepView(r, st, in, ve.Problems)
			if ve.NeedsConfirmation() {
				v.Confirm = ve.Problems.Messages()
			} else {
				v.Errors = ve.Problems.Messages()
			}
			// 200, as every form of the site re-rendered with its errors.
			c.s.render(w, r, http.StatusOK, "convention_step", v)
			return
		}
		if ref, ok := convention.AsRefusal(err); ok {
			switch ref.Reason {
			case convention.ReasonScope, convention.ReasonPrecondition:
				c.s.notFound(w, r)
				return
			}
			v := c.stepView(r, st, in, nil)
			v.Errors = []string{ref.Message}
			c.s.render(w, r, http.StatusForbidden, "convention_step", v)
			return
		}
		c.s.serverError(w, r, err)
		return
	}
	id := st.k.Convention.UUID.String()
	to := recapURL(id)
	if next := programme.Next(st.content, st.step); next != "" && !form.Has("redirect_to_recap") {
		to = stepURL(next, st.content.Convention.IsAvenant(), id)
	}
	c.enqueueScans(r, keys)
	c.done(w, r, to, "L'étape « "+st.step.Label()+" » a été enregistrée.")
}

// stepRow is one empty row of a table (htmx "Ajouter une ligne").
func (c *conventions) stepRow(w http.ResponseWriter, r *http.Request) {
	st, ok := c.loadStep(w, r)
	if !ok {
		return
	}
	for _, t := range st.desc.tables {
		if t.table != r.PathValue("table") || !st.tableAddable(t) {
			continue
		}
		in := addressable(programme.StoredInput(st.content, st.step))
		row := st.newRow(t, in)
		// A unique index after the rows on the page: the form keeps the
		// posted order by sorting the indices.
		idx := strconv.FormatInt(c.now().UnixNano(), 10)
		b, err := c.s.tmpl.renderPartial("convention_step", "step-row", st.rowView(t, row, idx, -1, nil))
		if err != nil {
			c.s.serverError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(b)
		return
	}
	c.s.notFound(w, r)
}

// stepRowRemoved answers htmx's removal of a row: the row is replaced by
// nothing; it is deleted when the step is saved.
func (c *conventions) stepRowRemoved(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
}

// Parsing: from the stored form, the posted values of the inputs the
// user may change.

func addressable(in programme.Input) reflect.Value {
	v := reflect.New(reflect.TypeOf(in)).Elem()
	v.Set(reflect.ValueOf(in))
	return v
}

func (st *stepCtx) owner(object string, lot *programme.Lot) uuid.UUID {
	switch object {
	case programme.ObjProgramme:
		return st.content.Programme.UUID
	case programme.ObjBailleur:
		return st.content.Bailleur.UUID
	case programme.ObjLot:
		if lot != nil {
			return lot.UUID
		}
	}
	return st.content.Convention.UUID
}

// lotOf is the lot a row's financement chooses (the first lot when none
// matches, as the domain does for foyers and résidences).
func (st *stepCtx) lotOf(financement string) *programme.Lot {
	if l := st.content.LotOf(financement); l != nil {
		return l
	}
	if code, ok := programme.Financements.CodeOf(financement); ok {
		if l := st.content.LotOf(code); l != nil {
			return l
		}
	}
	if len(st.content.Lots) > 0 {
		return &st.content.Lots[0]
	}
	return nil
}

// tableKeys are the comment keys of a table: one per lot, or the
// programme's.
func (st *stepCtx) tableKeys(t tableDesc) []string {
	if !t.lotOwned {
		return []string{programme.TableKey(t.object, st.content.Programme.UUID)}
	}
	var out []string
	for _, l := range st.content.Lots {
		out = append(out, programme.TableKey(t.object, l.UUID))
	}
	return out
}

func (st *stepCtx) tableAddable(t tableDesc) bool {
	for _, k := range st.tableKeys(t) {
		if st.k.CanEditField(k) {
			return true
		}
	}
	return false
}

// rowEditable: the table of the row's owner, or the row itself, is open.
func (st *stepCtx) rowEditable(t tableDesc, row reflect.Value) bool {
	key := programme.TableKey(t.object, st.content.Programme.UUID)
	if t.lotOwned {
		l := st.lotOf(getString(row, "Financement"))
		if l == nil {
			return st.tableAddable(t)
		}
		key = programme.TableKey(t.object, l.UUID)
	}
	if st.k.CanEditField(key) {
		return true
	}
	id, err := uuid.Parse(getString(row, "UUID"))
	return err == nil && st.k.CanEditField(programme.RowKey(t.object, id))
}

func (st *stepCtx) newRow(t tableDesc, in reflect.Value) reflect.Value {
	row := reflect.New(t.rows(in).Type().Elem()).Elem()
	if t.lotOwned && len(st.content.Lots) > 0 && row.FieldByName("Financement").IsValid() {
		row.FieldByName("Financement").SetString(st.content.Lots[0].Financement)
	}
	return row
}

// parse builds the step's Input from the stored form and the posted
// values; inputs the user may not change keep their stored values.
func (st *stepCtx) parse(r *http.Request) programme.Input {
	form := r.PostForm
	in := addressable(programme.StoredInput(st.content, st.step))
	for _, g := range st.desc.groups {
		for _, f := range g.fields {
			if posted(form, f.name, st.k.CanEditField(programme.FieldKey(f.object, f.name, st.owner(f.object, nil)))) {
				setValue(in, f, form.Get(f.name), form.Has(f.name))
			}
		}
	}
	if d := st.desc.lots; d != nil {
		lots := in.FieldByName("Lots")
		for i := 0; i < lots.Len() && i < len(st.content.Lots); i++ {
			lot, lv := &st.content.Lots[i], lots.Index(i)
			prefix := fmt.Sprintf("%s-%d-", programme.TableLots, i)
			for _, f := range d.fields {
				if posted(form, prefix+f.name, st.k.CanEditField(programme.FieldKey(programme.ObjLot, f.name, lot.UUID))) {
					setValue(lv, f, form.Get(prefix+f.name), form.Has(prefix+f.name))
				}
			}
			if d.annexes {
				opts := map[string]bool{}
				for code, v := range lv.FieldByName("Options").Interface().(map[string]bool) {
					opts[code] = v
				}
				for _, o := range programme.AnnexeOptions {
					if posted(form, prefix+o.Code, st.k.CanEditField(programme.FieldKey(programme.ObjLot, o.Code, lot.UUID))) {
						opts[o.Code] = form.Has(prefix + o.Code)
					}
				}
				lv.FieldByName("Options").Set(reflect.ValueOf(opts))
			}
		}
	}
	for _, t := range st.desc.tables {
		st.parseTable(form, t, in)
	}
	return in.Interface().(programme.Input)
}

// posted reports whether a field takes its posted value: an input the
// user may change (an unticked box is absent), or any posted value — a
// disabled input is not posted, so a value of a locked field is a change
// the save refuses by name rather than one silently dropped.
func posted(form map[string][]string, name string, editable bool) bool {
	_, ok := form[name]
	return editable || ok
}

func anyPosted(form map[string][]string, prefix string, cols []fieldDesc) bool {
	for _, c := range cols {
		if _, ok := form[prefix+c.name]; ok {
			return true
		}
	}
	return false
}

// parseTable reads the posted rows of a table, in the order of their
// indices; a row the user may not change keeps its stored values.
func (st *stepCtx) parseTable(form map[string][]string, t tableDesc, in reflect.Value) {
	rows := t.rows(in)
	stored := map[string]reflect.Value{}
	for i := 0; i < rows.Len(); i++ {
		if id := getString(rows.Index(i), "UUID"); id != "" {
			stored[id] = rows.Index(i)
		}
	}
	get := func(k string) (string, bool) {
		v, ok := form[k]
		if !ok || len(v) == 0 {
			return "", ok
		}
		return v[0], true
	}
	var idx []int64
	for k := range form {
		rest, ok := strings.CutPrefix(k, t.table+"-")
		if !ok {
			continue
		}
		n, ok := strings.CutSuffix(rest, "-uuid")
		if !ok {
			continue
		}
		if i, err := strconv.ParseInt(n, 10, 64); err == nil && i >= 0 {
			idx = append(idx, i)
		}
	}
	sort.Slice(idx, func(a, b int) bool { return idx[a] < idx[b] })
	removed, _ := get("remove_row")
	out := reflect.MakeSlice(rows.Type(), 0, len(idx)+1)
	for _, i := range idx {
		prefix := fmt.Sprintf("%s-%d-", t.table, i)
		if removed == strings.TrimSuffix(prefix, "-") {
			continue
		}
		id, _ := get(prefix + "uuid")
		if old, ok := stored[id]; ok && !st.rowEditable(t, old) && !anyPosted(form, prefix, t.cols) {
			out = reflect.Append(out, old)
			continue
		}
		row := reflect.New(rows.Type().Elem()).Elem()
		if _, ok := stored[id]; ok {
			row.FieldByName("UUID").SetString(id)
		}
		for _, col := range t.cols {
			v, present := get(prefix + col.name)
			setValue(row, col, v, present)
		}
		out = reflect.Append(out, row)
	}
	if add, _ := get("add_row"); add == t.table {
		out = reflect.Append(out, st.newRow(t, in))
	}
	rows.Set(out)
}
