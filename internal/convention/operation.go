package convention

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
)

// Operation messages (spec workflows §2.1, step 5, on local data).
const (
	MsgOperationNotFound = "Aucun programme trouvé : Vérifier que le numéro d'opération est correct"
	// MsgSeveralActive is the warning for a financement with more than
	// one active convention.
	MsgSeveralActive = "Il existe plusieurs conventions actives pour le financement %s, Merci d'annuler les conventions que vous ne souhaitez pas conserver"
)

// MayCreateConventions reports whether s may create the missing
// conventions of an operation (the operation is then read in its scope).
func MayCreateConventions(s *access.Subject) bool {
	return !s.Anonymous() && !s.ReadOnly() && hasPerm(s, PermAdd)
}

// OperationProgramme is a root programme of an operation, as its page
// shows it.
type OperationProgramme struct {
	Nom, Bailleur, Commune, NatureLogement, Administration string
}

// OperationLine is one lot of a convention of the operation (a convention
// without lot has one line with an empty lot).
type OperationLine struct {
	UUID        uuid.UUID
	Numero      string
	Statut      Statut
	IsAvenant   bool
	CreeLe      time.Time
	Financement string
	NbLogements *int64
	TypeHabitat string
}

// OperationOverview is the page of an operation: its programmes and the
// conventions the subject sees, newest first.
type OperationOverview struct {
	Programmes []OperationProgramme
	Lines      []OperationLine
}

// maxOperationLines bounds the list of an operation's conventions.
const maxOperationLines = 200

// OperationVisibleSQL is the condition that the operation page of key
// (an SQL expression giving a numero_operation_pour_recherche, evaluated
// outside the condition: it must not use the alias p) shows the subject
// something: a root programme of that number in its programme scope, as
// ReadOperation reads it. Links to the page are shown only then.
func OperationVisibleSQL(s *access.Subject, a *access.Args, key string) string {
	return `(COALESCE(` + key + `, '') <> '' AND EXISTS (SELECT 1 FROM programmes_programme p
  WHERE p.parent_id IS NULL AND p.numero_operation_pour_recherche = ` + key + ` AND ` + access.ProgrammeScope(s, a) + `))`
}

// OperationVisible reports whether the operation page of numeroOperation
// shows the subject something (see OperationVisibleSQL).
func OperationVisible(ctx context.Context, q Querier, s *access.Subject, numeroOperation string) (bool, error) {
	var a access.Args
	key := a.Add(NumeroPourRecherche(numeroOperation)) + "::text"
	var ok bool
	if err := q.QueryRow(ctx, `SELECT `+OperationVisibleSQL(s, &a, key), a.Values()...).Scan(&ok); err != nil {
		return false, fmt.Errorf("accès à l'opération %s : %w", numeroOperation, err)
	}
	return ok, nil
}

// OperationURL is the address of the operation page of a number.
func OperationURL(numeroOperation string) string {
	return "/operations/" + url.PathEscape(strings.TrimSpace(numeroOperation))
}

// ReadOperation reads the operation numeroPourRecherche within the
// subject's scope (no programme: the operation is unknown or out of
// scope).
func ReadOperation(ctx context.Context, q Querier, s *access.Subject, numeroPourRecherche string) (*OperationOverview, error) {
	var a access.Args
	rows, err := q.Query(ctx, `SELECT p.nom, b.nom, p.code_postal || ' ' || p.ville, p.nature_logement, COALESCE(ad.nom, '')
		FROM programmes_programme p JOIN bailleurs_bailleur b ON b.id = p.bailleur_id
		LEFT JOIN instructeurs_administration ad ON ad.id = p.administration_id
		WHERE p.parent_id IS NULL AND p.numero_operation_pour_recherche = `+a.Add(numeroPourRecherche)+` AND `+access.ProgrammeScope(s, &a)+`
		ORDER BY p.id`, a.Values()...)
	if err != nil {
		return nil, fmt.Errorf("lecture de l'opération : %w", err)
	}
	var out OperationOverview
	if out.Programmes, err = pgx.CollectRows(rows, pgx.RowToStructByPos[OperationProgramme]); err != nil {
		return nil, fmt.Errorf("lecture de l'opération : %w", err)
	}
	var b access.Args
	rows, err = q.Query(ctx, `SELECT c.uuid, COALESCE(c.numero, ''), c.statut, c.parent_id IS NOT NULL, c.cree_le,
			COALESCE(l.financement, ''), l.nb_logements::int8, COALESCE(l.type_habitat, '')
		FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id
		LEFT JOIN programmes_lot l ON l.convention_id = c.id
		WHERE p.numero_operation_pour_recherche = `+b.Add(numeroPourRecherche)+` AND `+access.ConventionScope(s, &b)+`
		ORDER BY c.cree_le DESC, c.id DESC, l.id LIMIT `+b.Add(maxOperationLines), b.Values()...)
	if err != nil {
		return nil, fmt.Errorf("lecture des conventions de l'opération : %w", err)
	}
	out.Lines, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (OperationLine, error) {
		var l OperationLine
		var statut string
		err := r.Scan(&l.UUID, &l.Numero, &statut, &l.IsAvenant, &l.CreeLe, &l.Financement, &l.NbLogements, &l.TypeHabitat)
		l.Statut = Statut(statut)
		return l, err
	})
	if err != nil {
		return nil, fmt.Errorf("lecture des conventions de l'opération : %w", err)
	}
	return &out, nil
}

// MissingResult is the outcome of CreateMissingConventions.
type MissingResult struct {
	Created  []*Convention
	Warnings []string
}

// CreateMissingConventions gives every financement of a local operation
// an active convention (spec §2.1 step 5, without SIAP): the operation is
// the root programmes whose numero_operation_pour_recherche is
// numeroPourRecherche and that the subject sees; its financements are
// those of the lots of its root conventions. A financement whose every
// convention is annulled gets a new PROJET convention, created by the
// subject, on the reference programme (the one with most conventions),
// with one lot copying the financement, habitat type and number of
// logements of the newest lot of that financement. A financement with
// several active conventions is reported, as in the reference.
func CreateMissingConventions(ctx context.Context, tx pgx.Tx, s *access.Subject, numeroPourRecherche string) (*MissingResult, error) {
	if !MayCreateConventions(s) {
		return nil, refuse(ReasonRole, MsgNoPermission)
	}
	if s.ReadOnly() {
		return nil, refuse(ReasonRole, MsgReadOnly)
	}
	var a access.Args
	sql := `SELECT p.id FROM programmes_programme p
		WHERE p.parent_id IS NULL AND p.numero_operation_pour_recherche = ` + a.Add(numeroPourRecherche) + `
		  AND ` + access.ProgrammeScope(s, &a) + `
		ORDER BY (SELECT count(*) FROM conventions_convention c WHERE c.programme_id = p.id AND c.parent_id IS NULL) DESC, p.id
		FOR UPDATE OF p`
	rows, err := tx.Query(ctx, sql, a.Values()...)
	if err != nil {
		return nil, fmt.Errorf("lecture de l'opération : %w", err)
	}
	progs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("lecture de l'opération : %w", err)
	}
	if len(progs) == 0 {
		return nil, refuse(ReasonScope, MsgOperationNotFound)
	}
	type fin struct {
		financement, typeHabitat string
		nbLogements              *int64
		active                   int
	}
	rows, err = tx.Query(ctx, `SELECT DISTINCT ON (l.financement) l.financement, l.type_habitat, l.nb_logements::int8,
			(SELECT count(DISTINCT c2.id) FROM conventions_convention c2 JOIN programmes_lot l2 ON l2.convention_id = c2.id
			  WHERE c2.programme_id = ANY($1) AND c2.parent_id IS NULL AND c2.statut <> $2 AND l2.financement = l.financement)::int
		FROM programmes_lot l JOIN conventions_convention c ON c.id = l.convention_id
		WHERE c.programme_id = ANY($1) AND c.parent_id IS NULL
		ORDER BY l.financement, c.cree_le DESC, l.id DESC`, progs, string(Annulee))
	if err != nil {
		return nil, fmt.Errorf("lecture des lots de l'opération : %w", err)
	}
	var fins []fin
	for rows.Next() {
		var f fin
		if err := rows.Scan(&f.financement, &f.typeHabitat, &f.nbLogements, &f.active); err != nil {
			rows.Close()
			return nil, err
		}
		fins = append(fins, f)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := &MissingResult{}
	for _, f := range fins {
		switch {
		case f.active > 1:
			out.Warnings = append(out.Warnings, fmt.Sprintf(MsgSeveralActive, f.financement))
		case f.active == 0:
			var id int64
			var creePar any
			if s.UserID != 0 {
				creePar = s.UserID
			}
			err := tx.QueryRow(ctx, `INSERT INTO conventions_convention (uuid, programme_id, statut, cree_par_id, cree_le, mis_a_jour_le)
				VALUES ($1, $2, $3, $4, now(), now()) RETURNING id`, uuid.New(), progs[0], string(Projet), creePar).Scan(&id)
			if err != nil {
				return nil, fmt.Errorf("création de la convention %s : %w", f.financement, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO programmes_lot (uuid, convention_id, financement, type_habitat, nb_logements, cree_le, mis_a_jour_le)
				VALUES ($1, $2, $3, $4, $5, now(), now())`, uuid.New(), id, f.financement, f.typeHabitat, f.nbLogements); err != nil {
				return nil, fmt.Errorf("création du lot %s : %w", f.financement, err)
			}
			c, err := LoadByID(ctx, tx, id)
			if err != nil {
				return nil, err
			}
			out.Created = append(out.Created, c)
		}
	}
	return out, nil
}
