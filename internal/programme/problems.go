package programme

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/MTES-MCT/apilos-go/internal/fr"
)

// Tables of the steps, as named in Problem.Table (the form prefixes of
// the reference where there is one).
const (
	TableLots                  = "lots"                   // per-lot blocks of a step, in Content.Lots order
	TableAvecLoyer             = "avec_loyer"             // logements, surface utile avec loyers
	TableSansLoyer             = "sans_loyer"             // surface utile sans loyers (avenants)
	TableCorrigeeAvecLoyer     = "corrigee_avec_loyer"    // surface corrigée avec loyers (avenants)
	TableCorrigeeSansLoyer     = "corrigee_sans_loyer"    // surface corrigée sans loyers (avenants)
	TableFoyerLogements        = "logements"              // foyer and résidence logements
	TableAnnexes               = "annexes"                // annexes of the logements
	TableStationnements        = "stationnements"         // stationnements
	TableLocauxCollectifs      = "locaux_collectifs"      // locaux collectifs
	TablePrets                 = "prets"                  // prêts and financements
	TableReferencesCadastrales = "references_cadastrales" // références cadastrales
	TableEDD                   = "logements_edd"          // EDD simplifié
)

// Table returns the table of the logement kind.
func (k Kind) Table() string {
	switch k {
	case KindSansLoyer:
		return TableSansLoyer
	case KindCorrigeeAvecLoyer:
		return TableCorrigeeAvecLoyer
	case KindCorrigeeSansLoyer:
		return TableCorrigeeSansLoyer
	}
	return TableAvecLoyer
}

// tableObjects gives each table's field catalogue object.
var tableObjects = map[string]string{
	TableLots: ObjLot, TableAvecLoyer: ObjLogement, TableSansLoyer: ObjLogementSansLoyer,
	TableCorrigeeAvecLoyer: ObjLogementCorrigee, TableCorrigeeSansLoyer: ObjLogementCorrigeeSansLoyer,
	TableFoyerLogements: ObjLogementFoyerResidence, TableAnnexes: ObjAnnexe, TableStationnements: ObjStationnement,
	TableLocauxCollectifs: ObjLocauxCollectifs, TablePrets: ObjPret, TableReferencesCadastrales: ObjReferenceCadastrale,
	TableEDD: ObjLogementEDD,
}

// Problem is one thing wrong with a posted step: a field of the step
// (Table ""), a cell (Table, Row, Field), a whole row (Field ""), or a
// whole table (Row -1). Row is the index of the row in the posted table,
// from 0: a page shows the message beside the cell, an importer beside
// its spreadsheet line. Optional problems may be overridden by the user
// (the "Valider quand même" confirmation).
type Problem struct {
	Table    string
	Row      int
	Field    string
	Message  string
	Optional bool
}

// Object is the catalogue object of the problem's field.
func (p Problem) Object(stepObject string) string {
	if p.Table == "" {
		return stepObject
	}
	return tableObjects[p.Table]
}

// String names the table, the line and the field before the message:
// "Tableau des prêts et financements, ligne 2, Date d'octroi : …".
func (p Problem) String() string {
	var parts []string
	if p.Table != "" {
		obj := tableObjects[p.Table]
		switch {
		case p.Table == TableLots:
			parts = append(parts, fmt.Sprintf("Lot %d", p.Row+1))
		case p.Row >= 0:
			parts = append(parts, fmt.Sprintf("%s, ligne %d", ObjectLabel(obj), p.Row+1))
		default:
			parts = append(parts, ObjectLabel(obj))
		}
		if p.Field != "" {
			parts = append(parts, FieldLabel(obj, p.Field))
		}
	}
	if len(parts) == 0 {
		return p.Message
	}
	return strings.Join(parts, ", ") + " : " + p.Message
}

// Problems are the problems of one posted step.
type Problems []Problem

func (ps Problems) Error() string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return strings.Join(out, " ; ")
}

// Blocking lists the problems that no confirmation overrides.
func (ps Problems) Blocking() Problems {
	var out Problems
	for _, p := range ps {
		if !p.Optional {
			out = append(out, p)
		}
	}
	return out
}

// Optional lists the problems the user may override.
func (ps Problems) Optional() Problems {
	var out Problems
	for _, p := range ps {
		if p.Optional {
			out = append(out, p)
		}
	}
	return out
}

// Field returns the messages of a field of the step itself.
func (ps Problems) Field(field string) []string { return ps.Cell("", -1, field) }

// Cell returns the messages of one cell (Row >= 0) or of one field of the
// step (table "", row -1). Field "" gives the messages of the whole row.
func (ps Problems) Cell(table string, row int, field string) []string {
	var out []string
	for _, p := range ps {
		if p.Table == table && p.Field == field && (p.Row == row || table == "") {
			out = append(out, p.Message)
		}
	}
	return out
}

// Table returns the messages about a whole table (not one of its rows).
func (ps Problems) Table(table string) []string {
	var out []string
	for _, p := range ps {
		if p.Table == table && p.Row < 0 {
			out = append(out, p.Message)
		}
	}
	return out
}

// Messages lists every problem with its table, line and field.
func (ps Problems) Messages() []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// ValidationError is the refusal of a step whose values break rules:
// nothing was saved. When every problem is optional, the page asks for a
// confirmation and posts again with the override flag.
type ValidationError struct {
	Step     Step
	Problems Problems
}

func (e *ValidationError) Error() string {
	return "Les informations de l'étape « " + e.Step.Label() + " » ne peuvent pas être enregistrées : " + e.Problems.Error()
}

// NeedsConfirmation reports whether only optional problems stand in the
// way: the user may confirm and save anyway.
func (e *ValidationError) NeedsConfirmation() bool {
	return len(e.Problems) > 0 && len(e.Problems.Blocking()) == 0
}

// AsValidationError unwraps a *ValidationError.
func AsValidationError(err error) (*ValidationError, bool) {
	var v *ValidationError
	ok := errors.As(err, &v)
	return v, ok
}

// checker parses the strings of a posted step and collects problems
// about one table row (or the step's fields when table is "").
type checker struct {
	ps    *Problems
	table string
	row   int
	obj   string // catalogue object of the fields, for the labels
}

func (ps *Problems) at(table string, row int) checker {
	obj := tableObjects[table]
	return checker{ps: ps, table: table, row: row, obj: obj}
}

func (ps *Problems) fields(obj string) checker { return checker{ps: ps, row: -1, obj: obj} }

func (c checker) add(field, msg string) {
	*c.ps = append(*c.ps, Problem{Table: c.table, Row: c.row, Field: field, Message: msg})
}

func (c checker) optional(field, msg string) {
	*c.ps = append(*c.ps, Problem{Table: c.table, Row: c.row, Field: field, Message: msg, Optional: true})
}

func (c checker) label(field string) string { return FieldLabel(c.obj, field) }

// required reports a missing value with msg, or the generic message.
func (c checker) missing(field, msg string) {
	if msg == "" {
		msg = c.label(field) + " : ce champ est obligatoire"
	}
	c.add(field, msg)
}

// text trims s and checks its presence (required: the message, "" for
// the generic one) and its length in characters.
func (c checker) text(field, s string, required bool, missingMsg string, max int) string {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			c.missing(field, missingMsg)
		}
		return ""
	}
	if utf8.RuneCountInString(s) > max {
		c.add(field, fmt.Sprintf("%s : %d caractères au plus (%d saisis)", c.label(field), max, utf8.RuneCountInString(s)))
	}
	return s
}

// decimal reads a French decimal: at most places decimals, not negative,
// strictly below limit (when not zero).
func (c checker) decimal(field, s string, required bool, missingMsg string, places int32, limit int64) decimal.NullDecimal {
	if strings.TrimSpace(s) == "" {
		if required {
			c.missing(field, missingMsg)
		}
		return decimal.NullDecimal{}
	}
	d, err := fr.ParseDecimal(s)
	if err != nil {
		c.add(field, fmt.Sprintf("%s : « %s » n'est pas un nombre ; saisissez par exemple 1 234,56", c.label(field), strings.TrimSpace(s)))
		return decimal.NullDecimal{}
	}
	if d.IsNegative() {
		c.add(field, c.label(field)+" : la valeur ne peut pas être négative")
		return decimal.NullDecimal{}
	}
	if -d.Exponent() > places && !d.Equal(d.Round(places)) {
		c.add(field, fmt.Sprintf("%s : %d chiffres après la virgule au plus", c.label(field), places))
		return decimal.NullDecimal{}
	}
	if limit > 0 && d.GreaterThanOrEqual(decimal.NewFromInt(limit)) {
		c.add(field, fmt.Sprintf("%s : la valeur doit être inférieure à %s", c.label(field), fr.Int(limit)))
		return decimal.NullDecimal{}
	}
	return decimal.NullDecimal{Decimal: d.Round(places), Valid: true}
}

// integer reads a whole number, not negative.
func (c checker) integer(field, s string, required bool, missingMsg string) *int {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			c.missing(field, missingMsg)
		}
		return nil
	}
	clean := strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(s)
	n, err := strconv.Atoi(clean)
	if err != nil {
		c.add(field, fmt.Sprintf("%s : « %s » n'est pas un nombre entier", c.label(field), s))
		return nil
	}
	if n < 0 {
		c.add(field, c.label(field)+" : la valeur ne peut pas être négative")
		return nil
	}
	if n > 2147483647 {
		c.add(field, c.label(field)+" : la valeur est trop grande")
		return nil
	}
	return &n
}

// date reads a date ("2024-03-15" or "15/03/2024").
func (c checker) date(field, s string, required bool, missingMsg string) Date {
	if strings.TrimSpace(s) == "" {
		if required {
			c.missing(field, missingMsg)
		}
		return Date{}
	}
	d, err := ParseDate(s)
	if err != nil || d.Year < 1000 || d.Year > 9999 {
		c.add(field, fmt.Sprintf("%s : « %s » n'est pas une date ; saisissez par exemple 15/03/2024", c.label(field), strings.TrimSpace(s)))
		return Date{}
	}
	return d
}

// choice checks that s is a code of the list.
func (c checker) choice(field, s string, l List, required bool, missingMsg string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			c.missing(field, missingMsg)
		}
		return ""
	}
	if !l.Has(s) {
		c.add(field, fmt.Sprintf("%s : « %s » ne fait pas partie des valeurs possibles (%s)", c.label(field), s, l.JoinedLabels()))
		return ""
	}
	return s
}

// Limits of the form (data-model §20.8): values strictly below.
const (
	limit6  = 10_000         // numeric(6,2): surfaces, loyers, loyer/m²
	limit7  = 100_000        // numeric(7,2): surface habitable totale
	limit9  = 10_000_000     // numeric(9,2): surface des locaux collectifs résidentiels
	limit12 = 10_000_000_000 // numeric(12,2): montant d'un prêt
	limitC  = 100            // numeric(6,4): coefficient
)

// money is "300,00 €".
func money(d decimal.Decimal) string { return fr.Amount(d) }
