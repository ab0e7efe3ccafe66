package search

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
)

// Operation is an operation (root programme) found by its number.
type Operation struct {
	NumeroOperation, Nom, Bailleur, Commune string
	Conventions                             int
}

// OperationMatches answers step 1 of the ajout simplifié (spec workflows
// §2.3): the one root programme of the subject with exactly that number,
// else up to MaxNearbyOperations whose normalised number is similar
// (trigram similarity above Threshold), most similar then newest first.
type OperationMatches struct {
	Exact  *Operation
	Nearby []Operation
}

// MaxNearbyOperations bounds the nearby operations.
const MaxNearbyOperations = 10

// Operations finds the operations of the subject's scope matching the
// typed number; an empty number finds nothing.
func Operations(ctx context.Context, q Querier, s *access.Subject, numero string) (*OperationMatches, error) {
	numero = strings.TrimSpace(numero)
	out := &OperationMatches{}
	if numero == "" {
		return out, nil
	}
	const cols = `p.numero_operation, p.nom, b.nom, trim(p.code_postal || ' ' || p.ville),
		(SELECT count(*) FROM conventions_convention c WHERE c.programme_id = p.id AND c.parent_id IS NULL)::int
		FROM programmes_programme p JOIN bailleurs_bailleur b ON b.id = p.bailleur_id WHERE p.parent_id IS NULL AND `
	var a access.Args
	rows, err := q.Query(ctx, `SELECT `+cols+`p.numero_operation = `+a.Add(numero)+` AND `+access.ProgrammeScope(s, &a)+
		` ORDER BY p.id LIMIT 2`, a.Values()...)
	if err != nil {
		return nil, fmt.Errorf("recherche de l'opération : %w", err)
	}
	exact, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Operation])
	if err != nil {
		return nil, fmt.Errorf("recherche de l'opération : %w", err)
	}
	if len(exact) == 1 {
		out.Exact = &exact[0]
		return out, nil
	}
	var b access.Args
	key := b.Add(convention.NumeroPourRecherche(numero))
	rows, err = q.Query(ctx, `SELECT `+cols+`similarity(p.numero_operation_pour_recherche, `+key+`) > `+b.Add(Threshold)+
		` AND `+access.ProgrammeScope(s, &b)+`
		ORDER BY similarity(p.numero_operation_pour_recherche, `+key+`) DESC, p.cree_le DESC, p.id DESC LIMIT `+b.Add(MaxNearbyOperations),
		b.Values()...)
	if err != nil {
		return nil, fmt.Errorf("recherche des opérations proches : %w", err)
	}
	if out.Nearby, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Operation]); err != nil {
		return nil, fmt.Errorf("recherche des opérations proches : %w", err)
	}
	return out, nil
}
