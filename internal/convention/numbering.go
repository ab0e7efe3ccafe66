package convention

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Numbering messages (spec workflows §1.2 T4).
const (
	MsgNumeroRequired = "Le numéro de convention est obligatoire"
	MsgNumeroTooLong  = "La longueur totale du numéro de convention ne peut pas excéder 250 caractères"
	// MaxNumeroLength is the form limit of the validation number.
	MaxNumeroLength = 250
)

// MsgNumeroTaken is the uniqueness error for numero n.
func MsgNumeroTaken(n string) string {
	return fmt.Sprintf("La convention de numero %s existe déjà, merci de choisir un autre numéro de convention.", n)
}

// ConventionNumeroPrefix is "<D>.<A>.<YY>." for a programme of
// département dept instructed by the administration of code admCode:
// A is "D" for a DDT(M) (code starting with D), else the full code; YY
// is the year mod 100, not zero-padded. "" without administration.
func ConventionNumeroPrefix(dept, admCode string, year int) string {
	if admCode == "" {
		return ""
	}
	a := admCode
	if strings.HasPrefix(admCode, "D") {
		a = "D"
	}
	return fmt.Sprintf("%s.%s.%d.", dept, a, year%100)
}

// FormatSequence zero-pads the sequence to 4 digits.
func FormatSequence(n int64) string { return fmt.Sprintf("%04d", n) }

// ProposeNumero is the number pre-filled in the validation form
// (data-model §20.3): the existing numero if any; for an avenant, its
// ordinal; for a convention with an administration,
// "<D>.<A>.<YY>.<NNNN>" where NNNN follows the greatest numeric last
// segment of the numbers of the same département validated this year
// (conventions still in PROJET, INSTRUCTION or CORRECTION excluded, as the
// reference intended); "" without administration.
func ProposeNumero(ctx context.Context, q Querier, c *Convention) (string, error) {
	if c.Numero != "" {
		return c.Numero, nil
	}
	if c.IsAvenant() {
		n, err := AvenantNumero(ctx, q, c)
		return n, err
	}
	year := today().Year()
	prefix := ConventionNumeroPrefix(c.CodeInseeDepartement, c.AdministrationCode, year)
	if prefix == "" {
		return "", nil
	}
	var maxSeq *int64
	err := q.QueryRow(ctx, `SELECT max(substring(numero from '\.([0-9]{1,18})$')::bigint)
		FROM conventions_convention
		WHERE numero LIKE $1 || '%'
		  AND valide_le >= make_date($2, 1, 1) AND valide_le < make_date($2 + 1, 1, 1)
		  AND statut <> ALL($3)`,
		escapeLike(c.CodeInseeDepartement+"."), year, strs(OngoingAvenantStatuts)).Scan(&maxSeq)
	if err != nil {
		return "", fmt.Errorf("calcul du numéro proposé : %w", err)
	}
	next := int64(1)
	if maxSeq != nil {
		next = *maxSeq + 1
	}
	return prefix + FormatSequence(next), nil
}

// AvenantNumero is the ordinal proposed for an avenant: 1 + the number of
// the other avenants of its parent whose statut is not PROJET, INSTRUCTION
// or CORRECTION (annulled ones count, as in the reference; scenario 8).
func AvenantNumero(ctx context.Context, q Querier, c *Convention) (string, error) {
	var n int64
	err := q.QueryRow(ctx, `SELECT count(*) FROM conventions_convention
		WHERE parent_id = $1 AND id <> $2 AND statut <> ALL($3)`,
		c.RootID(), c.ID, strs(OngoingAvenantStatuts)).Scan(&n)
	if err != nil {
		return "", fmt.Errorf("calcul du numéro d'avenant : %w", err)
	}
	return strconv.FormatInt(n+1, 10), nil
}

// CheckNumero validates the number typed in the validation form: required,
// at most 250 characters, and for a convention (not an avenant) unused by
// any other convention.
func CheckNumero(ctx context.Context, q Querier, c *Convention, numero string) error {
	numero = strings.TrimSpace(numero)
	if numero == "" {
		return invalid("convention_numero", MsgNumeroRequired)
	}
	if utf8.RuneCountInString(numero) > MaxNumeroLength {
		return invalid("convention_numero", MsgNumeroTooLong)
	}
	if c.IsAvenant() {
		return nil
	}
	var taken bool
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM conventions_convention WHERE numero = $1 AND id <> $2)`,
		numero, c.ID).Scan(&taken)
	if err != nil {
		return fmt.Errorf("vérification du numéro : %w", err)
	}
	if taken {
		return invalid("convention_numero", MsgNumeroTaken(numero))
	}
	return nil
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}
