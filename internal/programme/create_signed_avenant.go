package programme

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/storage"
)

// The "ajout simplifié", step 3 (spec workflows §2.3): the avenants a
// convention signed outside APiLos already had are added one by one,
// already signed, each with its PDF.

// MaxChampLibre bounds champ_libre_avenant.
const MaxChampLibre = 5000

// Messages of step 3.
const (
	MsgAvenantNumeroTaken = "Numéro de l'avenant : cette convention a déjà un avenant de ce numéro"
)

// MsgSignedAvenantAdded is the success message of step 3.
func MsgSignedAvenantAdded(numero string) string {
	return fmt.Sprintf("L'avenant %s a bien été ajouté dans Apilos !", numero)
}

// SignedConvention is what step 3 shows: the root convention in the
// subject's scope and its avenants, oldest first.
type SignedConvention struct {
	ID              int64
	UUID            uuid.UUID
	Numero          string
	Statut          convention.Statut
	Programme       string
	NumeroOperation string
	BailleurUUID    string
	Bailleur        string
	NbLogements     int64
	Avenants        []SignedAvenantRow
}

// SignedAvenantRow is an avenant of the convention.
type SignedAvenantRow struct {
	UUID     uuid.UUID
	Numero   string
	Statut   convention.Statut
	SigneeLe string // YYYY-MM-DD, "" when unknown
	Types    []string
}

// ReadSignedConvention reads the root convention id for step 3; another
// subject's, or an avenant, is refused as not visible.
func ReadSignedConvention(ctx context.Context, q db.Querier, s *access.Subject, id uuid.UUID) (*SignedConvention, error) {
	if err := mayCreate(s); err != nil {
		return nil, err
	}
	var a access.Args
	var c SignedConvention
	var statut string
	err := q.QueryRow(ctx, `SELECT c.id, c.uuid, COALESCE(c.numero, ''), c.statut, p.nom, p.numero_operation, b.uuid::text, b.nom,
			COALESCE((SELECT l.nb_logements FROM programmes_lot l WHERE l.convention_id = c.id ORDER BY l.id LIMIT 1), 0)
		FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id
		JOIN bailleurs_bailleur b ON b.id = p.bailleur_id
		WHERE c.uuid = `+a.Add(id)+` AND c.parent_id IS NULL AND `+access.ConventionScope(s, &a), a.Values()...).
		Scan(&c.ID, &c.UUID, &c.Numero, &statut, &c.Programme, &c.NumeroOperation, &c.BailleurUUID, &c.Bailleur, &c.NbLogements)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notVisible()
	}
	if err != nil {
		return nil, fmt.Errorf("lecture de la convention : %w", err)
	}
	c.Statut = convention.Statut(statut)
	rows, err := q.Query(ctx, `SELECT c.uuid, COALESCE(c.numero, ''), c.statut, COALESCE(to_char(c.televersement_convention_signee_le, 'YYYY-MM-DD'), ''),
			COALESCE((SELECT array_agg(t.nom ORDER BY t.nom) FROM conventions_convention_avenant_types ct
				JOIN conventions_avenanttype t ON t.id = ct.avenanttype_id WHERE ct.convention_id = c.id), '{}')
		FROM conventions_convention c WHERE c.parent_id = $1 ORDER BY c.cree_le, c.id`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("lecture des avenants : %w", err)
	}
	c.Avenants, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (SignedAvenantRow, error) {
		var av SignedAvenantRow
		var st string
		err := r.Scan(&av.UUID, &av.Numero, &st, &av.SigneeLe, &av.Types)
		av.Statut = convention.Statut(st)
		return av, err
	})
	if err != nil {
		return nil, fmt.Errorf("lecture des avenants : %w", err)
	}
	return &c, nil
}

// SignedAvenantInput is the posted form of step 3.
type SignedAvenantInput struct {
	Numero         string
	AnneeSignature string
	// Bailleur is the uuid of the bailleur after the avenant ("": unchanged).
	Bailleur    string
	ChampLibre  string
	NbLogements string
	// File is the signed PDF (Body nil when none was sent).
	File convention.File
}

// AddSignedAvenant adds to the convention id (step 3), in the caller's
// transaction, a historic avenant "Signée" signed on 1 January of the
// chosen year, with its number (unique among the convention's avenants)
// and PDF (stored in st, queued for the antivirus scan). The avenant is a
// copy of the convention's last version; what it changes from that
// version is written on it, with its type: another bailleur (one of s's
// bailleurs; type bailleur), another number of logements (type
// logements), a champ libre (type champ_libre). Problems of the form come back as a
// *CreationError; nothing is written then (the caller rolls back).
func AddSignedAvenant(ctx context.Context, tx pgx.Tx, st storage.Storage, s *access.Subject, id uuid.UUID, in SignedAvenantInput, env Env) (*Created, error) {
	conv, err := ReadSignedConvention(ctx, tx, s, id)
	if err != nil {
		return nil, err
	}
	var ps Problems
	f, lot := ps.fields(ObjConvention), ps.fields(ObjLot)
	num := f.text("numero_avenant", in.Numero, true, "", 255)
	annee := 0
	if v := strings.TrimSpace(in.AnneeSignature); v == "" {
		f.missing("annee_signature", "")
	} else if y, err := strconv.Atoi(v); err != nil || y < MinAnneeSignature || y > env.today().Year {
		f.add("annee_signature", fmt.Sprintf("%s : choisissez une année entre %d et %d", f.label("annee_signature"), MinAnneeSignature, env.today().Year))
	} else {
		annee = y
	}
	champ := strings.TrimSpace(in.ChampLibre)
	if utf8.RuneCountInString(champ) > MaxChampLibre {
		f.add("champ_libre_avenant", fmt.Sprintf("%s : %d caractères au plus", f.label("champ_libre_avenant"), MaxChampLibre))
	}
	nb := lot.integer("nb_logements", in.NbLogements, false, "")
	if nb != nil && *nb < 0 {
		lot.add("nb_logements", lot.label("nb_logements")+" : le nombre doit être positif")
	}
	if in.File.Body == nil {
		f.add("nom_fichier_signe_avenant", f.label("nom_fichier_signe_avenant")+" : "+convention.MsgFileMissing)
	}
	bailleurID, err := resolveChoice(ctx, tx, s, strings.TrimSpace(in.Bailleur), "bailleurs_bailleur b", "b", bailleurScope)
	if err != nil {
		return nil, err
	}
	// The avenant follows the convention's last version: a change is a
	// difference with that version.
	last, err := convention.LastVersion(ctx, tx, conv.ID, 0)
	if err != nil {
		return nil, err
	}
	var lastBailleur, lastNb int64
	if err := tx.QueryRow(ctx, `SELECT p.bailleur_id, COALESCE((SELECT l.nb_logements FROM programmes_lot l
			WHERE l.convention_id = c.id ORDER BY l.id LIMIT 1), 0)
		FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id WHERE c.id = $1`, last).Scan(&lastBailleur, &lastNb); err != nil {
		return nil, fmt.Errorf("lecture de la dernière version : %w", err)
	}
	var types []string
	if bailleurID != 0 && bailleurID != lastBailleur {
		types = append(types, convention.TypeBailleur)
	} else {
		bailleurID = 0
	}
	newNb := nb != nil && int64(*nb) != lastNb
	if newNb {
		types = append(types, convention.TypeLogements)
	}
	if champ != "" {
		types = append(types, convention.TypeChampLibre)
	}
	if num != "" {
		var taken bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM conventions_convention WHERE parent_id = $1 AND numero = $2)`,
			conv.ID, num).Scan(&taken); err != nil {
			return nil, fmt.Errorf("vérification du numéro : %w", err)
		}
		if taken {
			f.add("numero_avenant", MsgAvenantNumeroTaken)
		}
	}
	if len(ps) > 0 {
		return nil, &CreationError{Problems: ps}
	}
	av, err := convention.CreateSignedAvenant(ctx, tx, s, id, convention.SignedAvenant{Numero: num,
		SigneeLe: fmt.Sprintf("%04d-01-01", annee), Types: types})
	if err != nil {
		return nil, err
	}
	// The changes go on the avenant's copies, where the reference wrote
	// them on the convention itself.
	if bailleurID != 0 {
		if _, err := tx.Exec(ctx, `UPDATE programmes_programme SET bailleur_id = $2 WHERE id = $1`, av.ProgrammeID, bailleurID); err != nil {
			return nil, fmt.Errorf("bailleur de l'avenant : %w", err)
		}
	}
	if newNb {
		if _, err := tx.Exec(ctx, `UPDATE programmes_lot SET nb_logements = $2 WHERE id =
				(SELECT id FROM programmes_lot WHERE convention_id = $1 ORDER BY id LIMIT 1)`, av.ID, *nb); err != nil {
			return nil, fmt.Errorf("logements de l'avenant : %w", err)
		}
	}
	if champ != "" {
		if _, err := tx.Exec(ctx, `UPDATE conventions_convention SET champ_libre_avenant = $2 WHERE id = $1`, av.ID, champ); err != nil {
			return nil, fmt.Errorf("champ libre de l'avenant : %w", err)
		}
	}
	res, err := convention.RegisterSignedFile(ctx, tx, st, s, av.UUID, in.File)
	if r, ok := convention.AsRefusal(err); ok && r.Reason == convention.ReasonInput {
		return nil, &CreationError{Problems: Problems{{Row: -1, Field: "nom_fichier_signe_avenant", Message: f.label("nom_fichier_signe_avenant") + " : " + r.Message}}}
	}
	if err != nil {
		return nil, err
	}
	return &Created{ID: av.ID, UUID: av.UUID, Scans: res.Scans}, nil
}
