package programme

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/storage"
)

// The "ajout simplifié" (spec workflows §2.3, step 2): a convention
// signed outside APiLos is added to an operation APiLos knows, already
// signed, with its number and its signed PDF.

// MinAnneeSignature is the oldest year offered for the signature.
const MinAnneeSignature = 1900

// SignedOperation is what step 2 shows of the operation: its root
// programme in the subject's scope, the conventions it has, and the
// financements still free.
type SignedOperation struct {
	ProgrammeID     int64
	NumeroOperation string
	Nom             string
	Bailleur        string
	Commune         string
	Conventions     []SignedOperationConvention
	// Financements are the FinancementsEDD the operation has no lot of.
	Financements List
}

// SignedOperationConvention is an existing root convention of the
// operation.
type SignedOperationConvention struct {
	UUID        string
	Numero      string
	Statut      convention.Statut
	Financement string
}

// ReadSignedOperation reads the operation numero (numero_operation as
// stored) for step 2: the root programme the subject sees (the one with
// most conventions when the number is duplicated). An unknown or
// invisible operation is refused with MsgOperationNotInApilos.
func ReadSignedOperation(ctx context.Context, q db.Querier, s *access.Subject, numero string) (*SignedOperation, error) {
	if err := mayCreate(s); err != nil {
		return nil, err
	}
	numero = strings.TrimSpace(numero)
	var a access.Args
	var op SignedOperation
	err := q.QueryRow(ctx, `SELECT p.id, p.numero_operation, p.nom, b.nom, trim(p.code_postal || ' ' || p.ville)
		FROM programmes_programme p JOIN bailleurs_bailleur b ON b.id = p.bailleur_id
		WHERE p.parent_id IS NULL AND p.numero_operation = `+a.Add(numero)+` AND `+access.ProgrammeScope(s, &a)+`
		ORDER BY (SELECT count(*) FROM conventions_convention c WHERE c.programme_id = p.id) DESC, p.id LIMIT 1`,
		a.Values()...).Scan(&op.ProgrammeID, &op.NumeroOperation, &op.Nom, &op.Bailleur, &op.Commune)
	if errors.Is(err, pgx.ErrNoRows) || numero == "" {
		return nil, &convention.Refusal{Reason: convention.ReasonPrecondition, Message: MsgOperationNotInApilos(numero)}
	}
	if err != nil {
		return nil, fmt.Errorf("lecture de l'opération %s : %w", numero, err)
	}
	rows, err := q.Query(ctx, `SELECT c.uuid::text, COALESCE(c.numero, ''), c.statut, COALESCE(
			(SELECT l.financement FROM programmes_lot l WHERE l.convention_id = c.id ORDER BY l.id LIMIT 1), '')
		FROM conventions_convention c WHERE c.programme_id = $1 AND c.parent_id IS NULL ORDER BY c.cree_le, c.id`, op.ProgrammeID)
	if err != nil {
		return nil, fmt.Errorf("lecture des conventions de l'opération : %w", err)
	}
	op.Conventions, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (SignedOperationConvention, error) {
		var c SignedOperationConvention
		var statut string
		err := r.Scan(&c.UUID, &c.Numero, &statut, &c.Financement)
		c.Statut = convention.Statut(statut)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("lecture des conventions de l'opération : %w", err)
	}
	var taken []string
	if err := q.QueryRow(ctx, `SELECT COALESCE(array_agg(DISTINCT l.financement), '{}') FROM programmes_lot l
		JOIN conventions_convention c ON c.id = l.convention_id WHERE c.programme_id = $1`, op.ProgrammeID).Scan(&taken); err != nil {
		return nil, fmt.Errorf("lecture des financements de l'opération : %w", err)
	}
	for _, f := range FinancementsEDD {
		if !contains(taken, f.Code) {
			op.Financements = append(op.Financements, f)
		}
	}
	return &op, nil
}

// AnneesSignature are the years offered, from this year down to
// MinAnneeSignature.
func AnneesSignature(today Date) []int {
	out := make([]int, 0, today.Year-MinAnneeSignature+1)
	for y := today.Year; y >= MinAnneeSignature; y-- {
		out = append(out, y)
	}
	return out
}

// SignedInput is the posted form of step 2.
type SignedInput struct {
	Numero         string
	NbLogements    string
	Financement    string
	AnneeSignature string
	// File is the signed PDF (Body nil when none was sent).
	File convention.File
}

// AddSignedConvention adds to the operation numero (step 2 of the ajout
// simplifié), in the caller's transaction: a root convention "Signée"
// with its number (unique among conventions), signed on 1 January of the
// chosen year, created by s, with one lot (financement not already on the
// operation, nb_logements), and its signed PDF stored in st and queued
// for the antivirus scan (Created.Scans). Problems of the form come back
// as a *CreationError; nothing is written then (the caller rolls back).
func AddSignedConvention(ctx context.Context, tx pgx.Tx, st storage.Storage, s *access.Subject, numero string, in SignedInput, env Env) (*Created, error) {
	op, err := ReadSignedOperation(ctx, tx, s, numero)
	if err != nil {
		return nil, err
	}
	// Two additions to one operation at a time (financements, numbers).
	if _, err := tx.Exec(ctx, `SELECT id FROM programmes_programme WHERE id = $1 FOR UPDATE`, op.ProgrammeID); err != nil {
		return nil, err
	}
	var ps Problems
	conv, lot := ps.fields(ObjConvention), ps.fields(ObjLot)
	num := conv.text("numero", in.Numero, true, "", 255)
	nb := lot.integer("nb_logements", in.NbLogements, true, "")
	fin := strings.TrimSpace(in.Financement)
	if fin != "" && FinancementsEDD.Has(fin) && !op.Financements.Has(fin) {
		lot.add("financement", MsgFinancementPresent)
		fin = ""
	} else {
		fin = lot.choice("financement", fin, FinancementsEDD, true, "")
	}
	annee := 0
	if v := strings.TrimSpace(in.AnneeSignature); v == "" {
		conv.missing("annee_signature", "")
	} else if y, err := strconv.Atoi(v); err != nil || y < MinAnneeSignature || y > env.today().Year {
		conv.add("annee_signature", fmt.Sprintf("%s : choisissez une année entre %d et %d", conv.label("annee_signature"), MinAnneeSignature, env.today().Year))
	} else {
		annee = y
	}
	if in.File.Body == nil {
		conv.add("nom_fichier_signe", conv.label("nom_fichier_signe")+" : "+convention.MsgFileMissing)
	}
	if num != "" {
		var taken bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM conventions_convention WHERE numero = $1)`, num).Scan(&taken); err != nil {
			return nil, fmt.Errorf("vérification du numéro : %w", err)
		}
		if taken {
			conv.add("numero", convention.MsgNumeroTaken(num))
		}
	}
	if len(ps) > 0 {
		return nil, &CreationError{Problems: ps}
	}
	out, err := insertConvention(ctx, tx, s, op.ProgrammeID, newConvention{statut: convention.Signee, numero: num,
		signeeAnnee: annee, financement: fin, nbLogements: *nb})
	if err != nil {
		return nil, err
	}
	res, err := convention.RegisterSignedFile(ctx, tx, st, s, out.UUID, in.File)
	if r, ok := convention.AsRefusal(err); ok && r.Reason == convention.ReasonInput {
		return nil, &CreationError{Problems: Problems{{Row: -1, Field: "nom_fichier_signe", Message: conv.label("nom_fichier_signe") + " : " + r.Message}}}
	}
	if err != nil {
		return nil, err
	}
	out.Scans = res.Scans
	return out, nil
}

// MsgSignedAdded is the success message of step 2.
func MsgSignedAdded(numero string) string {
	return fmt.Sprintf("La convention %s a bien été ajoutée dans Apilos !", numero)
}
