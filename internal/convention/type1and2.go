package convention

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
)

// Values of type1and2.
const (
	Type1 = "Type1"
	Type2 = "Type2"
)

// MsgType1and2Invalid: the posted type is neither Type I nor Type II.
const MsgType1and2Invalid = "Type de convention : choisissez Type I ou Type II."

// Type1and2 is the Type I / Type II choice of a convention whose bailleur
// is neither HLM nor SEM, with the eight "logements concernés" options of
// Type II.
type Type1and2 struct {
	Value   string // Type1, Type2 or "" (not chosen)
	Options [8]bool
}

// SetType1and2 records the choice (ActionSetType1and2).
func SetType1and2(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID, t Type1and2) error {
	c, _, err := lockFor(ctx, tx, s, id, ActionSetType1and2)
	if err != nil {
		return err
	}
	var stored any
	switch t.Value {
	case Type1, Type2:
		stored = t.Value
	case "":
	default:
		return invalid("type1and2", MsgType1and2Invalid)
	}
	o := t.Options
	_, err = tx.Exec(ctx, `UPDATE conventions_convention SET type1and2 = $2,
		type2_lgts_concernes_option1 = $3, type2_lgts_concernes_option2 = $4, type2_lgts_concernes_option3 = $5,
		type2_lgts_concernes_option4 = $6, type2_lgts_concernes_option5 = $7, type2_lgts_concernes_option6 = $8,
		type2_lgts_concernes_option7 = $9, type2_lgts_concernes_option8 = $10 WHERE id = $1`,
		c.ID, stored, o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7])
	if err != nil {
		return fmt.Errorf("enregistrement du type de convention : %w", err)
	}
	return nil
}
