package importxlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"github.com/MTES-MCT/apilos-go/internal/fr"
	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// Limits against hostile files: the upload itself, what its archive may
// unpack to (a zip bomb stops there), the worksheet kept in memory, the
// rows and columns read.
const (
	MaxFileSize  = 10 << 20
	maxUnzipped  = 100 << 20
	maxXMLMemory = 32 << 20
	MaxRows      = 10_000
	maxColumns   = 100
	maxParts     = 1000
	// firstDataRow is where rows start: row 1 holds the headers, row 2
	// their help texts (or the sub-headers of merged headers).
	firstDataRow = 3
)

// Messages of the refused files (the reference's, spec workflows §4.1).
const (
	MsgFormat     = "Le fichier importé ne semble pas être du bon format, 'xlsx' est le format attendu"
	MsgInvalid    = "Certains fichiers de l'archive ont probablement un contenu invalide"
	MsgTooLarge   = "Le fichier importé est trop volumineux : 10 Mo au plus."
	MsgUnzipLimit = "Le fichier importé est trop volumineux une fois décompressé : allégez-le (une seule feuille, sans images) puis importez-le à nouveau."
	MsgEmpty      = "Le fichier importé ne contient aucune ligne à importer."
)

// MsgSheet refuses a workbook without the table's sheet.
func MsgSheet(sheet string) string {
	return fmt.Sprintf("Le fichier importé doit avoir une feuille nommée '%s'", sheet)
}

// MsgHeader refuses a sheet missing an expected column.
func MsgHeader(header string) string {
	return fmt.Sprintf("Le fichier importé doit avoir une entête de colonne avec le contenu '%s'", header)
}

// MsgTooManyRows refuses a sheet beyond MaxRows rows.
var MsgTooManyRows = fmt.Sprintf("Le fichier importé compte plus de %s lignes : découpez-le en plusieurs fichiers.", fr.Int(MaxRows))

// CellError is a problem of one cell (or of a whole line when Column is
// empty) of the spreadsheet.
type CellError struct {
	Sheet   string
	Line    int    // spreadsheet row number, from 1
	Column  string // column letter ("C"); "" for the whole line
	Header  string // the column's header as the template names it
	Message string
}

// String names the sheet, the line and the column before the message.
func (e CellError) String() string {
	where := fmt.Sprintf("Feuille « %s », ligne %d", e.Sheet, e.Line)
	if e.Column != "" {
		where += fmt.Sprintf(", colonne %s (%s)", e.Column, e.Header)
	}
	return where + " : " + e.Message
}

// Error is a refused import: a file-level problem (format, sheet,
// headers) or the cells that could not be read. Nothing is imported.
type Error struct {
	Messages []string
	Cells    []CellError
}

func (e *Error) Error() string { return strings.Join(e.All(), " ; ") }

// All lists every message, cells included, in French.
func (e *Error) All() []string {
	out := append([]string(nil), e.Messages...)
	for _, c := range e.Cells {
		out = append(out, c.String())
	}
	return out
}

// AsError unwraps an *Error.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

func fileError(msg ...string) *Error { return &Error{Messages: msg} }

// Result is a read table: its rows as the step's row inputs (one slice is
// filled, by kind), the spreadsheet line of each row, and what a preview
// shows.
type Result struct {
	Kind  Kind
	Sheet string
	// Headers are the labels of the table's columns; Values holds, for
	// each row, the value of each column as read (choices by label).
	Headers []string
	Values  [][]string
	// Lines are the spreadsheet row numbers of the rows.
	Lines []int
	// Columns gives the column letter of each field of the table.
	Columns map[string]string
	// Warnings are the columns ignored (unknown headers).
	Warnings []string

	Logements        []programme.LogementInput // logements kinds and foyer/résidence logements
	Annexes          []programme.AnnexeInput
	Stationnements   []programme.StationnementInput
	References       []programme.ReferenceCadastraleInput
	EDD              []programme.LogementEDDInput
	Prets            []programme.PretInput
	LocauxCollectifs []programme.LocalCollectifInput
}

// Len is the number of rows read.
func (r *Result) Len() int { return len(r.Lines) }

// Read reads the table kind from an .xlsx file: the sheet of the table,
// its headers matched on row 1 (extra columns ignored, merged header
// cells read with their sub-headers of row 2), then every non-empty row
// from row 3 (or the row the sheet "Data" names in E2). Every cell that
// cannot be read is reported with its sheet, line and column; the rules
// of the step are checked later (Check), on the returned rows.
func Read(r io.Reader, kind Kind) (res *Result, err error) {
	if _, ok := specs[kind]; !ok {
		return nil, fmt.Errorf("importxlsx: table inconnue %q", kind)
	}
	b, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	// A library failing on a hostile file must not take the process down:
	// the file is refused as invalid (FuzzImport looks for such failures).
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fileError(MsgInvalid)
		}
	}()
	return readBytes(b, kind)
}

// readBytes reads the table kind from the file's bytes.
func readBytes(b []byte, kind Kind) (*Result, error) {
	if len(b) > MaxFileSize {
		return nil, fileError(MsgTooLarge)
	}
	if !bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		return nil, fileError(MsgFormat)
	}
	if err := checkArchive(b); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: maxXMLMemory})
	if err != nil {
		return nil, openError(err)
	}
	defer f.Close()
	return read(f, specs[kind])
}

// checkArchive refuses what is not a zip archive, and an archive whose
// parts would unpack beyond maxUnzipped (a zip bomb) or that holds an
// absurd number of parts. archive/zip holds the reading of each part to
// the size it declares.
func checkArchive(b []byte) error {
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return fileError(MsgFormat)
	}
	if len(z.File) > maxParts {
		return fileError(MsgUnzipLimit)
	}
	var total uint64
	for _, zf := range z.File {
		total += zf.UncompressedSize64
		if zf.UncompressedSize64 > maxUnzipped || total > maxUnzipped {
			return fileError(MsgUnzipLimit)
		}
	}
	return nil
}

func openError(err error) error {
	switch {
	case strings.Contains(err.Error(), "unzip size exceeds"):
		return fileError(MsgUnzipLimit)
	case errors.Is(err, excelize.ErrWorkbookFileFormat):
		return fileError(MsgFormat)
	case strings.Contains(err.Error(), "zip:"):
		return fileError(MsgFormat)
	}
	return fileError(MsgInvalid)
}

func read(f *excelize.File, sp *spec) (*Result, error) {
	sheet, ok := findSheet(f, sp.sheet)
	if !ok {
		return nil, fileError(MsgSheet(sp.sheet))
	}
	first := dataRow(f)
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, openError(err)
	}
	defer rows.Close()

	res := &Result{Kind: sp.kind, Sheet: sp.sheet, Columns: map[string]string{}}
	for _, c := range sp.cols {
		res.Headers = append(res.Headers, sp.header(c))
	}
	var head [2][]string
	var at []int // spreadsheet column (0-based) of each spec column
	e := &Error{}
	line := 0
	for rows.Next() {
		line++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, openError(err)
		}
		if len(cells) > maxColumns {
			cells = cells[:maxColumns]
		}
		if line <= 2 {
			head[line-1] = cells
		}
		if line < first {
			continue
		}
		if at == nil {
			if at, err = matchHeaders(f, sheet, sp, head, res); err != nil {
				return nil, err
			}
		}
		if blank(cells) {
			continue
		}
		if res.Len() >= MaxRows {
			return nil, fileError(MsgTooManyRows)
		}
		res.addRow(sp, line, cells, at, e)
	}
	if err := rows.Error(); err != nil {
		return nil, openError(err)
	}
	if at == nil { // fewer rows than the first data row: check the headers anyway
		if _, err := matchHeaders(f, sheet, sp, head, res); err != nil {
			return nil, err
		}
	}
	if sp.kind == Financement {
		checkPretNumeros(sp, res, e)
	}
	if len(e.Cells) > 0 {
		return nil, e
	}
	if res.Len() == 0 {
		return nil, fileError(MsgEmpty)
	}
	return res, nil
}

// findSheet finds the sheet by name, ignoring case, accents and spaces.
func findSheet(f *excelize.File, name string) (string, bool) {
	want := normalise(name)
	for _, s := range f.GetSheetList() {
		if s == name {
			return s, true
		}
	}
	for _, s := range f.GetSheetList() {
		if normalise(s) == want {
			return s, true
		}
	}
	return "", false
}

// dataRow is the first data row: the number in Data!E2 when the workbook
// has it (the reference's logements templates start at row 4), else 3.
func dataRow(f *excelize.File) int {
	if _, ok := findSheet(f, "Data"); !ok {
		return firstDataRow
	}
	v, err := f.GetCellValue("Data", "E2", excelize.Options{RawCellValue: true})
	if err != nil {
		return firstDataRow
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 2 || n > 100 {
		return firstDataRow
	}
	return n
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// matchHeaders assigns the spreadsheet's columns to the table's: every
// header is compared with the labels and aliases of the expected
// columns (case, accents and spaces ignored; an exact match first, else
// the pattern whose words all occur in the header, the longest pattern
// first, as the reference did). A header cell merged over several
// columns heads each of them, followed by the sub-header of row 2.
func matchHeaders(f *excelize.File, sheet string, sp *spec, head [2][]string, res *Result) ([]int, error) {
	headers := append([]string(nil), head[0]...)
	at, used := assign(sp, headers)
	if slices.Contains(at, -1) {
		// Reading the merged cells parses the whole sheet: only when row 1
		// alone does not name every column.
		var err error
		if headers, err = mergedHeaders(f, sheet, head); err != nil {
			return nil, err
		}
		at, used = assign(sp, headers)
	}
	var missing []string
	for j, c := range sp.cols {
		if at[j] < 0 {
			missing = append(missing, MsgHeader(sp.header(c)))
			continue
		}
		name, _ := excelize.ColumnNumberToName(at[j] + 1)
		res.Columns[c.field] = name
	}
	if len(missing) > 0 {
		return nil, fileError(missing...)
	}
	for i, h := range headers {
		if strings.TrimSpace(h) != "" && !used[i] {
			res.Warnings = append(res.Warnings, fmt.Sprintf("La colonne nommée « %s » est inconnue, elle est ignorée.", oneLine(h)))
		}
	}
	return at, nil
}

// mergedHeaders is row 1 where a cell merged over several columns heads
// each of them, followed by the sub-header of row 2.
func mergedHeaders(f *excelize.File, sheet string, head [2][]string) ([]string, error) {
	headers := append([]string(nil), head[0]...)
	merges, err := f.GetMergeCells(sheet)
	if err != nil {
		return nil, openError(err)
	}
	for _, m := range merges {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, _, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil || r1 != 1 || c2 <= c1 || c1 > maxColumns {
			continue
		}
		c2 = min(c2, maxColumns)
		for len(headers) < c2 {
			headers = append(headers, "")
		}
		for c := c1; c <= c2; c++ {
			h := m.GetCellValue()
			if c-1 < len(head[1]) {
				h += " " + head[1][c-1]
			}
			headers[c-1] = h
		}
	}
	return headers, nil
}

// assign gives each expected column the header cell that matches it
// best (at: the cell of each column, -1 when none; used: the cells
// taken).
func assign(sp *spec, headers []string) (at []int, used map[int]bool) {
	type cand struct{ cell, col, score int }
	var cands []cand
	for i, h := range headers {
		nh := normalise(h)
		if nh == "" {
			continue
		}
		for j, c := range sp.cols {
			if s := matchScore(nh, append([]string{sp.header(c)}, c.aliases...)); s > 0 {
				cands = append(cands, cand{i, j, s})
			}
		}
	}
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].score > cands[b].score })
	at = make([]int, len(sp.cols))
	for i := range at {
		at[i] = -1
	}
	used = map[int]bool{}
	for _, c := range cands {
		if at[c.col] < 0 && !used[c.cell] {
			at[c.col], used[c.cell] = c.cell, true
		}
	}
	return at, used
}

// matchScore rates how well a normalised header matches one of the
// patterns: an equal pattern beats any other; else a pattern all of whose
// words occur in the header scores by its number of words, more when the
// header starts with it.
func matchScore(h string, patterns []string) int {
	best := 0
	for _, p := range patterns {
		np := normalise(p)
		if np == "" {
			continue
		}
		if np == h {
			return 1000
		}
		words := strings.Fields(np)
		ok := true
		for _, w := range words {
			if !strings.Contains(h, w) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		s := 10 * len(words)
		if strings.HasPrefix(h, np) {
			s += 5
		}
		best = max(best, s)
	}
	return best
}

// normalise lowers case, removes accents and folds every run of spaces
// (line breaks and non-breaking spaces included) into one.
func normalise(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// addRow reads one non-empty row.
func (res *Result) addRow(sp *spec, line int, cells []string, at []int, e *Error) {
	vals := map[string]string{}
	display := make([]string, len(sp.cols))
	for j, c := range sp.cols {
		raw := ""
		if at[j] < len(cells) {
			raw = strings.TrimSpace(cells[at[j]])
		}
		if !utf8.ValidString(raw) || strings.IndexByte(raw, 0) >= 0 {
			raw = strings.ToValidUTF8(strings.ReplaceAll(raw, "\x00", ""), "\uFFFD")
		}
		v, shown, msg := convert(c, raw)
		if msg != "" {
			e.Cells = append(e.Cells, CellError{Sheet: sp.sheet, Line: line, Column: res.Columns[c.field], Header: sp.header(c), Message: msg})
		}
		vals[c.field] = v
		display[j] = shown
	}
	res.Lines = append(res.Lines, line)
	res.Values = append(res.Values, display)
	res.appendTyped(sp, vals)
}

var numeric = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$`)

// convert reads a cell: the value for the step's input, the value shown
// in the preview, and the message of a value that cannot be read. Text
// that does not read as a number or a date is passed on: the step's
// rules name the problem.
func convert(c column, raw string) (v, shown, msg string) {
	if raw == "" {
		return "", "", ""
	}
	switch c.kind {
	case number:
		if numeric.MatchString(raw) {
			if d, err := decimal.NewFromString(raw); err == nil {
				v = d.Round(c.places).String()
				return v, fr.Number(d.Round(c.places), c.places), ""
			}
		}
		if d, err := fr.ParseDecimal(raw); err == nil {
			return d.String(), raw, ""
		}
		return raw, raw, ""
	case integer:
		if numeric.MatchString(raw) {
			d, err := decimal.NewFromString(raw)
			if err == nil && !d.IsInteger() {
				return "", raw, fmt.Sprintf("La valeur « %s » doit être un nombre entier", raw)
			}
			if err == nil {
				return d.String(), d.String(), ""
			}
		}
		return raw, raw, ""
	case date:
		if numeric.MatchString(raw) {
			n, err := strconv.ParseFloat(raw, 64)
			if err != nil || n < 1 || n > 2958465 {
				return "", raw, fmt.Sprintf("La valeur « %s » doit être une date", raw)
			}
			t, err := excelize.ExcelDateToTime(n, false)
			if err != nil {
				return "", raw, fmt.Sprintf("La valeur « %s » doit être une date", raw)
			}
			d := programme.DateOf(t)
			return d.String(), d.Short(), ""
		}
		if d, err := programme.ParseDate(raw); err == nil {
			return d.String(), d.Short(), ""
		}
		return raw, raw, ""
	case choice:
		if code, ok := codeOf(c.choices, raw); ok {
			return code, c.choices.Label(code), ""
		}
		return "", raw, fmt.Sprintf("La valeur « %s » doit faire partie des valeurs : %s", raw, c.choices.JoinedLabels())
	case typologie:
		if code, ok := programme.TypologieFromImport(raw); ok {
			return code, programme.TypologieLabel(code), ""
		}
		if code, ok := codeOf(c.choices, raw); ok {
			return code, c.choices.Label(code), ""
		}
		return "", raw, fmt.Sprintf("La valeur « %s » doit faire partie des valeurs : %s", raw, c.choices.JoinedLabels())
	case financement:
		if code, ok := codeOf(programme.Financements, raw); ok {
			return code, programme.FinancementLabel(code), ""
		}
		return raw, raw, ""
	}
	if numeric.MatchString(raw) && strings.ContainsAny(raw, "eE") {
		// A number in a text column (a parcel number typed as a number).
		if d, err := decimal.NewFromString(raw); err == nil {
			raw = d.String()
		}
	}
	return raw, raw, ""
}

// codeOf finds the code of a label or of a code, exactly, then ignoring
// case, accents and spaces.
func codeOf(l programme.List, v string) (string, bool) {
	if code, ok := l.CodeOf(v); ok {
		return code, true
	}
	if l.Has(v) {
		return v, true
	}
	nv := normalise(v)
	for _, c := range l {
		if normalise(c.Label) == nv || normalise(c.Code) == nv {
			return c.Code, true
		}
	}
	return "", false
}

// appendTyped adds the row to the typed rows of its kind.
func (res *Result) appendTyped(sp *spec, v map[string]string) {
	switch sp.kind {
	case Logements, LogementsSansLoyer, LogementsCorrigee, LogementsCorrigeeSansLoyer, FoyerResidenceLogements:
		res.Logements = append(res.Logements, programme.LogementInput{Designation: v["designation"], Typologie: v["typologie"],
			Financement: v["financement"], SurfaceHabitable: v["surface_habitable"], SurfaceAnnexes: v["surface_annexes"],
			SurfaceAnnexesRetenue: v["surface_annexes_retenue"], SurfaceUtile: v["surface_utile"], SurfaceCorrigee: v["surface_corrigee"],
			LoyerParMetreCarre: v["loyer_par_metre_carre"], Coeficient: v["coeficient"], Loyer: v["loyer"]})
	case Annexes:
		res.Annexes = append(res.Annexes, programme.AnnexeInput{Typologie: v["typologie"], LogementDesignation: v["logement_designation"],
			LogementTypologie: v["logement_typologie"], Financement: v["financement"], SurfaceHorsSurfaceRetenue: v["surface_hors_surface_retenue"],
			LoyerParMetreCarre: v["loyer_par_metre_carre"], Loyer: v["loyer"]})
	case Stationnements:
		res.Stationnements = append(res.Stationnements, programme.StationnementInput{Typologie: v["typologie"], Financement: v["financement"],
			NbStationnements: v["nb_stationnements"], Loyer: v["loyer"]})
	case Cadastre:
		res.References = append(res.References, programme.ReferenceCadastraleInput{Section: v["section"], Numero: v["numero"],
			Lieudit: v["lieudit"], Surface: v["surface"], Autre: v["autre"]})
	case EDD:
		res.EDD = append(res.EDD, programme.LogementEDDInput{Designation: v["designation"], NumeroLot: v["numero_lot"], Financement: v["financement"]})
	case Financement:
		res.Prets = append(res.Prets, programme.PretInput{Financement: v["financement"], Numero: v["numero"], Preteur: v["preteur"],
			Autre: v["autre"], DateOctroi: v["date_octroi"], Duree: v["duree"], Montant: v["montant"]})
	case LocauxCollectifs:
		res.LocauxCollectifs = append(res.LocauxCollectifs, programme.LocalCollectifInput{TypeLocal: v["type_local"],
			SurfaceHabitable: v["surface_habitable"], Nombre: v["nombre"]})
	}
}

// MsgNumeroPret refuses two prêts of one financement with one numéro (the
// reference's import check).
func MsgNumeroPret(numero, financement string) string {
	return fmt.Sprintf("Le numéro de financement %s n'est pas unique pour le financement %s.", numero, programme.FinancementLabel(financement))
}

func checkPretNumeros(sp *spec, res *Result, e *Error) {
	seen := map[[2]string]bool{}
	for i, p := range res.Prets {
		if p.Numero == "" {
			continue
		}
		k := [2]string{p.Financement, p.Numero}
		if seen[k] {
			e.Cells = append(e.Cells, CellError{Sheet: sp.sheet, Line: res.Lines[i], Column: res.Columns["numero"],
				Header: programme.FieldLabel(sp.object, "numero"), Message: MsgNumeroPret(p.Numero, p.Financement)})
		}
		seen[k] = true
	}
}
