package document

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// Querier is a pool, a connection or a transaction.
type Querier = programme.Querier

// ErrNotFound: no convention has this id.
var ErrNotFound = errors.New("convention introuvable")

// source is everything a document is made from: the content read model,
// the life-cycle read model, and the columns only documents read.
type source struct {
	content *programme.Content
	conv    *convention.Convention

	numero            string
	dateDenonciation  time.Time
	motifDenonciation string
	dateResiliation   time.Time
	motifResiliation  string
	overrideCerfa     string // files JSON
	descAvenant       string
	valideLe          time.Time
	signeeLe          time.Time

	sousNature    string
	capitalSocial *float64

	adm *administrationView // nil when the programme has none

	// secondeVieParents are the earlier conventions a seconde-vie
	// convention replaces.
	secondeVieParents []parentConvention

	// previous is the version an avenant changes (its bailleur and
	// signatories are the "old" ones), nil for a convention.
	previous *source
}

// load reads the source of a convention; for an avenant, also the
// previous version.
func load(ctx context.Context, q Querier, id int64, withPrevious bool) (*source, error) {
	conv, err := convention.LoadByID(ctx, q, id)
	if errors.Is(err, convention.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	content, err := programme.Load(ctx, q, id)
	if err != nil {
		return nil, err
	}
	s := &source{content: content, conv: conv, numero: conv.Numero}
	var (
		dd, dr, valide, signee *time.Time
		motifD, motifR, over   *string
		desc                   *string
		admID                  *int64
		a                      administrationView
		admVille, admAdresse   *string
		admCP, admVilleSig     *string
		admBloc                *string
	)
	err = q.QueryRow(ctx, `SELECT c.date_denonciation, c.motif_denonciation, c.date_resiliation, c.motif_resiliation,
			c.fichier_override_cerfa, c.desc_avenant, c.valide_le, c.televersement_convention_signee_le,
			b.sous_nature_bailleur, b.capital_social,
			a.id, COALESCE(a.nom, ''), COALESCE(a.code, ''), a.adresse, a.code_postal, a.ville, a.ville_signature,
			COALESCE(a.nb_convention_exemplaires, 3), a.signataire_bloc_signature
		FROM conventions_convention c
		JOIN programmes_programme p ON p.id = c.programme_id
		JOIN bailleurs_bailleur b ON b.id = p.bailleur_id
		LEFT JOIN instructeurs_administration a ON a.id = p.administration_id
		WHERE c.id = $1`, id).Scan(&dd, &motifD, &dr, &motifR, &over, &desc, &valide, &signee,
		&s.sousNature, &s.capitalSocial,
		&admID, &a.Nom, &a.Code, &admAdresse, &admCP, &admVille, &admVilleSig, &a.NbConventionExemplaires, &admBloc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("lecture de la convention pour le document : %w", err)
	}
	s.dateDenonciation, s.dateResiliation = civil(dd), civil(dr)
	s.valideLe, s.signeeLe = civil(valide), civil(signee)
	s.motifDenonciation, s.motifResiliation = str(motifD), str(motifR)
	s.overrideCerfa, s.descAvenant = str(over), str(desc)
	if admID != nil {
		a.Adresse, a.CodePostal, a.Ville = str(admAdresse), str(admCP), str(admVille)
		a.VilleSignature, a.SignataireBlocSignature = str(admVilleSig), str(admBloc)
		s.adm = &a
	}
	rows, err := q.Query(ctx, `SELECT COALESCE(c.numero, ''), c.valide_le, c.televersement_convention_signee_le
		FROM conventions_convention_parents_2nd_vie l
		JOIN conventions_convention c ON c.id = l.to_convention_id
		WHERE l.from_convention_id = $1 ORDER BY c.id`, id)
	if err != nil {
		return nil, fmt.Errorf("lecture des conventions remplacées (seconde vie) : %w", err)
	}
	for rows.Next() {
		var p parentConvention
		var v, sg *time.Time
		if err := rows.Scan(&p.Numero, &v, &sg); err != nil {
			rows.Close()
			return nil, err
		}
		p.ValideLe, p.TeleversementConventionSigneeLe = civil(v), civil(sg)
		s.secondeVieParents = append(s.secondeVieParents, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if withPrevious && conv.IsAvenant() {
		prevID, err := convention.LastVersion(ctx, q, conv.RootID(), conv.ID)
		if err != nil {
			return nil, err
		}
		if s.previous, err = load(ctx, q, prevID, false); err != nil {
			return nil, fmt.Errorf("lecture de la version précédente : %w", err)
		}
	}
	return s, nil
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// paris is the time zone of the days printed in documents.
var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return l
}()

// civil keeps the calendar day of a DATE column (midnight UTC) or of a
// timestamp (its day in Paris), as midnight UTC: the date filters print
// that day.
func civil(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	d := t.In(paris)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}
