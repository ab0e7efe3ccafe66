package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/mail"
)

// virusMessages tells of an infected file (spec workflows §7.4): the
// uploader (reference template 163: first name, last name, file name)
// that the file was quarantined and how to go on, and the active staff
// accounts what was found where. The convention itself is not blocked.
func virusMessages(ctx context.Context, q Querier, ev Event, siteURL string) ([]Keyed, error) {
	var filename, key, signature, email, first, last, login, numero, programme string
	var conv *string
	err := q.QueryRow(ctx, `SELECT s.filename, s.storage_key, s.signature,
			COALESCE(u.email, ''), COALESCE(u.first_name, ''), COALESCE(u.last_name, ''), COALESCE(u.username, ''),
			c.uuid::text, COALESCE(c.numero, ''), COALESCE(p.nom, '')
		FROM upload_scan s
		LEFT JOIN users_user u ON u.id = s.uploader_id
		LEFT JOIN conventions_convention c ON c.id = s.convention_id
		LEFT JOIN programmes_programme p ON p.id = c.programme_id
		WHERE s.id = $1`, ev.ScanID).Scan(&filename, &key, &signature, &email, &first, &last, &login, &conv, &numero, &programme)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lecture du fichier infecté : %w", err)
	}
	where := ""
	if conv != nil {
		what := "la convention"
		if numero != "" {
			what += " n° " + numero
		}
		if programme != "" {
			what += " (" + programme + ")"
		}
		where = fmt.Sprintf("\n\nIl était joint à %s : %s/conventions/recapitulatif/%s", what, strings.TrimRight(siteURL, "/"), *conv)
	}
	var out []Keyed
	if to := cleanAddresses([]string{email}); len(to) > 0 {
		out = append(out, Keyed{Key: "163", Message: messageTo(to,
			fmt.Sprintf("APiLos – Virus détecté dans le fichier « %s »", filename),
			fmt.Sprintf("Bonjour %s,\n\nL'antivirus d'APiLos a détecté un virus dans le fichier « %s » que vous avez déposé. "+
				"Ce fichier a été mis en quarantaine : il n'est plus téléchargeable et personne ne l'a reçu.%s\n\n"+
				"Faites vérifier votre poste par votre service informatique, puis déposez de nouveau une version saine du document. "+
				"Votre convention n'est pas bloquée : vous pouvez continuer à la compléter.",
				strings.TrimSpace(first+" "+last), filename, where))})
	}
	rows, err := q.Query(ctx, `SELECT email FROM users_user WHERE is_staff AND is_active`)
	if err != nil {
		return nil, fmt.Errorf("lecture des comptes staff : %w", err)
	}
	staff, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("lecture des comptes staff : %w", err)
	}
	if to := cleanAddresses(staff); len(to) > 0 {
		uploader := strings.TrimSpace(first + " " + last)
		if login != "" {
			uploader += " (" + login + ", " + email + ")"
		}
		if uploader == "" {
			uploader = "inconnu"
		}
		out = append(out, Keyed{Key: "staff", Message: messageTo(to,
			fmt.Sprintf("APiLos – Fichier infecté mis en quarantaine : %s", filename),
			fmt.Sprintf("Bonjour,\n\nL'antivirus a détecté « %s » dans le fichier « %s », déposé par %s.\n\n"+
				"Le fichier a été mis en quarantaine dans le stockage (clé d'origine : %s) et n'est plus servi ; le déposant a été prévenu.%s",
				signature, filename, uploader, key, where))})
	}
	return out, nil
}

func messageTo(to []string, subject, text string) mail.Message {
	return mail.Message{To: to, Subject: subject, Text: text + signature}
}
