package comment

import "github.com/MTES-MCT/apilos-go/internal/programme"

// FieldLabel describes a commented field, from the field catalogue of
// internal/programme: the field's description, then the label of its
// object or table, never a technical name.
func FieldLabel(nomObjet, champObjet string) string {
	return programme.CommentLabel(nomObjet, champObjet)
}
