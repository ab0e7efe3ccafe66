package programme

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/MTES-MCT/apilos-go/internal/fr"
)

// Input is a posted step: one of BailleurInput, ProgrammeInput,
// CadastreInput, EDDInput, FinancementInput, LogementsInput,
// FoyerResidenceLogementsInput, AnnexesInput, StationnementsInput,
// CollectifInput, AttributionInput, VariantesInput, CommentairesInput,
// ChampLibreInput. Its fields are the strings of the form (French
// decimals and dates accepted); the package parses and checks them.
type Input interface {
	Step() Step
	// check parses the input against the stored content and returns what
	// to write, with the problems found.
	check(c *Content, env Env) (plan, Problems)
}

// Env is what the rules need besides the content: the day of reference
// ("today", in Paris, when zero).
type Env struct {
	Today Date
}

func (e Env) today() Date {
	if e.Today.IsZero() {
		return DateOf(time.Now().In(fr.Paris))
	}
	return e.Today
}

// Validate checks a posted step against the stored content without
// writing anything: the problems a page shows beside the fields and an
// importer beside the lines (empty: the step may be saved).
func Validate(c *Content, in Input, env Env) Problems {
	_, ps := in.check(c, env)
	return ps
}

// plan is a checked step: the fields it changes (for the editability
// check) and how to write it.
type plan interface {
	changes() []change
	write(ctx context.Context, tx pgx.Tx) error
}

// change is one changed value of a step: the label of what changed and
// the comment keys that allow it (any of them).
type change struct {
	label string
	keys  []string
}

// diff collects the changes of a step.
type diff []change

func (d *diff) add(changed bool, label string, keys ...string) {
	if changed {
		*d = append(*d, change{label: label, keys: keys})
	}
}

// Comparisons of stored and posted values.

func decEq(a, b decimal.NullDecimal) bool {
	return a.Valid == b.Valid && (!a.Valid || a.Decimal.Equal(b.Decimal))
}

func intEq(a, b *int) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func floatEq(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// nullDec is the value to write for a nullable numeric (nil for NULL).
func nullDec(d decimal.NullDecimal) any {
	if !d.Valid {
		return nil
	}
	return d.Decimal.String()
}

// nullText is NULL for "".
func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func lower(s string) string { return lowerFirst(s) }

// rowLabel names a row in a refusal: "Ligne « A12 » du tableau des …".
func rowLabel(obj, name string) string {
	return "Ligne « " + strings.TrimSpace(name) + " » du " + lowerFirst(ObjectLabel(obj))
}

func decimalOf(n int64) decimal.Decimal { return decimal.NewFromInt(n) }

// deleteRows deletes the rows absent from a posted table.
func deleteRows[T any](ctx context.Context, tx pgx.Tx, table string, rows []T, id func(T) int64) error {
	if len(rows) == 0 {
		return nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = id(r)
	}
	_, err := tx.Exec(ctx, "DELETE FROM "+table+" WHERE id = ANY($1)", ids)
	return err
}
