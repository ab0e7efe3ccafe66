package demo

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/storage"
)

// StoreDocuments gives the demo's signed and published conventions the
// files their rows name: a small PDF per document missing from the
// storage, at the key the application reads (convention.SignedKey,
// convention.PublicationKey). Present files are left alone, so it can
// run at every start. administrationCodes limits it to the programmes of
// these administrations (load_test_fixtures' test administration); none:
// every convention of the database (the private database of apilos dev).
// It returns the number of files written.
func StoreDocuments(ctx context.Context, q db.Querier, st storage.Storage, administrationCodes ...string) (int, error) {
	rows, err := q.Query(ctx, `SELECT c.uuid, COALESCE(c.numero, ''), COALESCE(par.numero, ''), c.parent_id IS NOT NULL,
			COALESCE(c.nom_fichier_signe, ''), COALESCE(c.nom_fichier_publication_spf, ''),
			c.televersement_convention_signee_le, c.date_publication_spf, COALESCE(c.reference_spf, ''),
			p.nom, COALESCE(p.ville, ''), b.nom, COALESCE(a.nom, '')
		FROM conventions_convention c
		JOIN programmes_programme p ON p.id = c.programme_id
		JOIN bailleurs_bailleur b ON b.id = p.bailleur_id
		LEFT JOIN instructeurs_administration a ON a.id = p.administration_id
		LEFT JOIN conventions_convention par ON par.id = c.parent_id
		WHERE (COALESCE(c.nom_fichier_signe, '') <> '' OR COALESCE(c.nom_fichier_publication_spf, '') <> '')
		  AND (COALESCE(cardinality($1::text[]), 0) = 0 OR a.code = ANY($1::text[]))
		ORDER BY c.id`, administrationCodes)
	if err != nil {
		return 0, fmt.Errorf("lecture des documents de démonstration : %w", err)
	}
	type doc struct {
		id                                   uuid.UUID
		numero, parentNumero                 string
		avenant                              bool
		signe, publie                        string
		signeLe, publieLe                    *time.Time
		refSPF, prog, ville, bailleur, admin string
	}
	docs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (doc, error) {
		var d doc
		err := r.Scan(&d.id, &d.numero, &d.parentNumero, &d.avenant, &d.signe, &d.publie, &d.signeLe, &d.publieLe, &d.refSPF,
			&d.prog, &d.ville, &d.bailleur, &d.admin)
		return d, err
	})
	if err != nil {
		return 0, fmt.Errorf("lecture des documents de démonstration : %w", err)
	}
	written := 0
	put := func(key, title string, lines []pdfLine) error {
		ok, err := st.Exists(ctx, key)
		if err != nil || ok {
			return err
		}
		b := onePagePDF(title, lines)
		if err := st.Put(ctx, key, bytes.NewReader(b), int64(len(b)), "application/pdf"); err != nil {
			return err
		}
		written++
		return nil
	}
	for _, d := range docs {
		what := "Convention APL"
		if d.numero != "" {
			what += " n° " + d.numero
		}
		if d.avenant {
			what = "Avenant"
			if d.numero != "" {
				what += " n° " + d.numero
			}
			if d.parentNumero != "" {
				what += " à la convention n° " + d.parentNumero
			}
		}
		common := []pdfLine{
			{Text: "Opération : " + d.prog + place(d.ville), Gap: 12},
			{Text: "Bailleur : " + d.bailleur},
			{Text: "Service instructeur : " + orDash(d.admin)},
		}
		notice := pdfLine{Text: "Document généré pour le jeu de démonstration d'APiLos : il ne vaut pas convention.", Size: 9, Gap: 24}
		if d.signe != "" {
			lines := append([]pdfLine{{Text: what, Bold: true, Size: 16}, {Text: "Exemplaire signé", Size: 12, Gap: 4}}, common...)
			lines = append(lines, pdfLine{Text: "Signée le : " + frDate(d.signeLe)}, notice)
			if err := put(convention.SignedKey(d.id, d.signe), what+" – exemplaire signé", lines); err != nil {
				return written, err
			}
		}
		if d.publie != "" {
			lines := append([]pdfLine{{Text: what, Bold: true, Size: 16}, {Text: "Publication au service de la publicité foncière", Size: 12, Gap: 4}}, common...)
			lines = append(lines, pdfLine{Text: "Référence de publication : " + orDash(d.refSPF)}, pdfLine{Text: "Publiée le : " + frDate(d.publieLe)}, notice)
			if err := put(convention.PublicationKey(d.id, d.publie), what+" – publication", lines); err != nil {
				return written, err
			}
		}
	}
	return written, nil
}

func place(ville string) string {
	if ville == "" {
		return ""
	}
	return " (" + ville + ")"
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func frDate(t *time.Time) string {
	if t == nil {
		return "–"
	}
	return t.Format("02/01/2006")
}
