package operation

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/siap"
)

// MsgNotInSIAP is the notice of an operation SIAP does not know (spec
// workflows §2.1 step 1); the local programmes are used instead.
func MsgNotInSIAP(numero string) string {
	return "L'opération " + numero + " n'existe pas dans le SIAP"
}

// Imported is what Import did.
type Imported struct {
	Numero string
	// Created lists the financements whose convention was created.
	Created []string
}

// Fetch reads operation numero from SIAP as the CERBERE user login acting
// with habilitation habID (SIAP answers only what that habilitation may
// see). A number SIAP answers for another operation is unusable data.
func Fetch(ctx context.Context, c siap.Client, login string, habID int64, numero string) (siap.Operation, error) {
	numero = strings.TrimSpace(numero)
	if numero == "" || len([]rune(numero)) > MaxNumeroLen {
		return siap.Operation{}, &siap.Error{Kind: siap.KindNotFound, Message: siap.MsgNotFound, Detail: "numéro d'opération vide ou trop long"}
	}
	raw, err := c.Operation(ctx, login, habID, numero)
	if err != nil {
		return siap.Operation{}, err
	}
	op, err := siap.DecodeOperation(raw)
	if err != nil {
		return siap.Operation{}, err
	}
	if got := strings.TrimSpace(op.DonneesOperation.NumeroOperation); got != numero {
		return siap.Operation{}, dataError(siap.MsgNotCompleted, "le SIAP a répondu l'opération "+got+" pour "+numero)
	}
	return op, nil
}

// Beginner opens transactions (a pool).
type Beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Preview is a SIAP operation not yet in APiLos, as its page shows it
// before the user creates its conventions.
type Preview struct {
	Numero, Nom, Bailleur, Commune, CodePostal string
	// NatureLogement is the programmes_programme code.
	NatureLogement string
	Lots           []PreviewLot
}

// PreviewLot is a convention the import would create.
type PreviewLot struct {
	Financement, TypeHabitat string
	NbLogements              int64
}

// PreviewImport tells what Import would create for s, with the same
// checks (scope included): Import runs in a transaction that is always
// rolled back, so a refusal here is the refusal the import would meet.
func PreviewImport(ctx context.Context, db Beginner, s *access.Subject, op siap.Operation) (*Preview, error) {
	tx, err := db.Begin(ctx)
	if err != nil {
		return nil, err
	}
	// Nothing of the preview is kept: a failed rollback loses nothing.
	defer func() { _ = tx.Rollback(ctx) }()
	res, err := Import(ctx, tx, s, op)
	if err != nil {
		return nil, err
	}
	d := op.DonneesOperation
	p := &Preview{Numero: res.Numero, Nom: strings.TrimSpace(d.NomOperation)}
	p.NatureLogement, _ = natureLogement(d) // Import accepted it
	_, p.CodePostal, p.Commune = address(op.DonneesLocalisation)
	if p.Commune == "" && op.DonneesLocalisation.Commune != nil {
		p.Commune = op.DonneesLocalisation.Commune.Libelle
	}
	if em := op.EntiteMorale; em != nil {
		p.Bailleur = em.Nom
	} else if op.DonneesMo != nil {
		p.Bailleur = op.DonneesMo.Nom
	}
	for _, lp := range financements(op) {
		for _, c := range res.Created {
			if c == lp.financement {
				p.Lots = append(p.Lots, PreviewLot{Financement: lp.financement, TypeHabitat: lp.typeHabitat, NbLogements: lp.nbLogements})
			}
		}
	}
	return p, nil
}
