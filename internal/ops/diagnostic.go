package ops

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// UserInfo is one account as the diagnostic shows it.
type UserInfo struct {
	ID         int64
	Username   string
	Email      string
	Name       string // "first last", trimmed
	Preference string // preferences_email: TOUS, PARTIEL, AUCUN
	LastLogin  string // "DD/MM/YYYY HH:MM" Paris time, "" when never
	Active     bool
	Cerbere    bool     // CERBERE (SIAP) account
	Roles      []string // "BAILLEUR sur <bailleur>", "INSTRUCTEUR sur <administration>"
}

// PreferenceLabel is the French label of a preferences_email code.
func PreferenceLabel(code string) string {
	switch code {
	case "TOUS":
		return "Tous les emails"
	case "PARTIEL":
		return "Emails des conventions instruites"
	case "AUCUN":
		return "Aucun email"
	}
	return "préférence inconnue"
}

// BailleurCount is a bailleur with the number of conventions it has under
// the administration.
type BailleurCount struct {
	Bailleur
	Conventions int
}

// AdministrationReport is the diagnostic of an administration: who works
// on its conventions and who gets e-mails about them.
type AdministrationReport struct {
	Administration Administration
	Conventions    int // conventions and avenants whose programme is attached to it
	Avenants       int
	Bailleurs      []BailleurCount // bailleurs of its programmes
	Instructeurs   []UserInfo      // users with a role on the administration
	BailleurUsers  []UserInfo      // users with a role on one of those bailleurs
}

const userColumns = `u.id, u.username, u.email, trim(u.first_name || ' ' || u.last_name), u.preferences_email,
coalesce(to_char(u.last_login AT TIME ZONE 'Europe/Paris', 'DD/MM/YYYY HH24:MI'), ''), u.is_active, u.cerbere_login IS NOT NULL,
coalesce((SELECT array_agg(r.typologie || ' sur ' || coalesce(b.nom, a.nom, 'tout le périmètre') ORDER BY r.id)
  FROM users_role r LEFT JOIN bailleurs_bailleur b ON b.id = r.bailleur_id
  LEFT JOIN instructeurs_administration a ON a.id = r.administration_id WHERE r.user_id = u.id), '{}')`

func queryUsers(ctx context.Context, db DB, sql string, args ...any) ([]UserInfo, error) {
	rows, err := db.Query(ctx, `SELECT `+userColumns+` FROM users_user u WHERE `+sql+` ORDER BY u.username`, args...)
	if err != nil {
		return nil, fmt.Errorf("lecture des utilisateurs : %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (UserInfo, error) {
		var u UserInfo
		err := r.Scan(&u.ID, &u.Username, &u.Email, &u.Name, &u.Preference, &u.LastLogin, &u.Active, &u.Cerbere, &u.Roles)
		return u, err
	})
}

// ListUsersByAdministration builds the diagnostic of the administration
// of the given code. Read only.
func ListUsersByAdministration(ctx context.Context, db DB, code string) (AdministrationReport, error) {
	var rep AdministrationReport
	a, err := FindAdministration(ctx, db, code)
	if err != nil {
		return rep, err
	}
	rep.Administration = a
	err = db.QueryRow(ctx, `SELECT count(*), count(c.parent_id) FROM conventions_convention c
JOIN programmes_programme p ON p.id = c.programme_id WHERE p.administration_id = $1`, a.ID).Scan(&rep.Conventions, &rep.Avenants)
	if err != nil {
		return rep, fmt.Errorf("décompte des conventions : %w", err)
	}
	rows, err := db.Query(ctx, `SELECT b.id, b.siret, coalesce(b.siren, ''), b.nom, count(c.id)
FROM bailleurs_bailleur b JOIN programmes_programme p ON p.bailleur_id = b.id
LEFT JOIN conventions_convention c ON c.programme_id = p.id
WHERE p.administration_id = $1 GROUP BY b.id ORDER BY b.nom`, a.ID)
	if err != nil {
		return rep, fmt.Errorf("lecture des bailleurs : %w", err)
	}
	rep.Bailleurs, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (BailleurCount, error) {
		var b BailleurCount
		err := r.Scan(&b.ID, &b.Siret, &b.Siren, &b.Nom, &b.Conventions)
		return b, err
	})
	if err != nil {
		return rep, fmt.Errorf("lecture des bailleurs : %w", err)
	}
	if rep.Instructeurs, err = queryUsers(ctx, db, `EXISTS (SELECT 1 FROM users_role r WHERE r.user_id = u.id AND r.administration_id = $1)`, a.ID); err != nil {
		return rep, err
	}
	rep.BailleurUsers, err = queryUsers(ctx, db, `EXISTS (SELECT 1 FROM users_role r JOIN programmes_programme p ON p.bailleur_id = r.bailleur_id
WHERE r.user_id = u.id AND p.administration_id = $1)`, a.ID)
	return rep, err
}

// Recipient is a user who receives (or not) the e-mails of a convention,
// and why.
type Recipient struct {
	UserInfo
	Reason string
}

// HistoryRow is one statut change of a convention.
type HistoryRow struct {
	Date        string // DD/MM/YYYY HH:MM, Paris time
	From, To    string
	User        string // username, "" when unknown
	Commentaire string
}

// ConventionRecipients lists, for one convention, who receives its
// e-mails according to the recipient rules (workflows §9.3), who is
// excluded by preference, and its last statut changes.
type ConventionRecipients struct {
	ID             int
	UUID           string
	Numero         string
	Statut         string
	Avenant        bool
	ProgrammeNom   string
	Bailleur       string
	Administration string // "nom (code)", "" when none
	// Bailleur side: BAILLEUR role + PARTIEL + authored a history row, or
	// a role on the programme's bailleur + TOUS.
	BailleurSide []Recipient
	// New submission by a local (non-CERBERE) user: every user with a role
	// on the programme's administration, PARTIEL or TOUS.
	Submission []Recipient
	// Other instruction e-mails: INSTRUCTEUR role + PARTIEL + authored a
	// history row, or a role on the administration + TOUS.
	InstructionSide []Recipient
	// Excluded: users of the bailleur or the administration who receive
	// nothing (AUCUN, or PARTIEL without contribution).
	Excluded []Recipient
	History  []HistoryRow // the 10 most recent, newest first
}

// OperationRecipients gives the recipients of every convention (and
// avenant) of the operation numero (compared with and without "/", "-",
// "." and spaces). Read only.
func OperationRecipients(ctx context.Context, db DB, numero string) ([]ConventionRecipients, error) {
	n := strings.TrimSpace(numero)
	if n == "" {
		return nil, fmt.Errorf("numéro d'opération manquant : indiquez --operation NUMERO")
	}
	rows, err := db.Query(ctx, `SELECT c.id, c.uuid::text, coalesce(c.numero, ''), c.statut, c.parent_id IS NOT NULL, p.nom, b.nom,
coalesce(a.nom || ' (' || a.code || ')', ''), p.bailleur_id, p.administration_id
FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id
JOIN bailleurs_bailleur b ON b.id = p.bailleur_id LEFT JOIN instructeurs_administration a ON a.id = p.administration_id
WHERE p.numero_operation = $1 OR translate(p.numero_operation, '/-. ', '') = $2
ORDER BY coalesce(c.parent_id, c.id), c.parent_id IS NOT NULL, c.cree_le, c.id`, n, pourRecherche(n))
	if err != nil {
		return nil, fmt.Errorf("lecture des conventions de l'opération : %w", err)
	}
	type conv struct {
		ConventionRecipients
		bailleurID int
		adminID    *int
	}
	convs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (conv, error) {
		var c conv
		err := r.Scan(&c.ID, &c.UUID, &c.Numero, &c.Statut, &c.Avenant, &c.ProgrammeNom, &c.Bailleur, &c.Administration, &c.bailleurID, &c.adminID)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("lecture des conventions de l'opération : %w", err)
	}
	if len(convs) == 0 {
		return nil, fmt.Errorf("aucune convention pour l'opération « %s » : vérifiez le numéro d'opération (SIAP)", n)
	}
	var out []ConventionRecipients
	for _, c := range convs {
		r := c.ConventionRecipients
		// Contributors: authors of a history row of the convention.
		contributed := `EXISTS (SELECT 1 FROM conventions_conventionhistory h WHERE h.convention_id = $1 AND h.user_id = u.id)`
		onBailleur := `EXISTS (SELECT 1 FROM users_role r WHERE r.user_id = u.id AND r.bailleur_id = $2)`
		onAdmin := `EXISTS (SELECT 1 FROM users_role r WHERE r.user_id = u.id AND r.administration_id = $3)`
		hasRole := func(t string) string {
			return `EXISTS (SELECT 1 FROM users_role r WHERE r.user_id = u.id AND r.typologie = '` + t + `')`
		}
		users, err := queryUsers(ctx, db, contributed+` OR `+onBailleur+` OR `+onAdmin, c.ID, c.bailleurID, c.adminID)
		if err != nil {
			return nil, err
		}
		flags, err := userFlags(ctx, db, c.ID, c.bailleurID, c.adminID, contributed, onBailleur, onAdmin, hasRole("BAILLEUR"), hasRole("INSTRUCTEUR"))
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			f := flags[u.ID]
			got := false
			if f.bailleurRole && f.contributed && u.Preference == "PARTIEL" {
				r.BailleurSide = append(r.BailleurSide, Recipient{u, "PARTIEL, a contribué à la convention"})
				got = true
			} else if f.onBailleur && u.Preference == "TOUS" {
				r.BailleurSide = append(r.BailleurSide, Recipient{u, "TOUS, rôle sur le bailleur"})
				got = true
			}
			if f.onAdmin && (u.Preference == "PARTIEL" || u.Preference == "TOUS") {
				r.Submission = append(r.Submission, Recipient{u, u.Preference + ", rôle sur l'administration"})
				got = true
			}
			if f.instructeurRole && f.contributed && u.Preference == "PARTIEL" {
				r.InstructionSide = append(r.InstructionSide, Recipient{u, "PARTIEL, a contribué à la convention"})
				got = true
			} else if f.onAdmin && u.Preference == "TOUS" {
				r.InstructionSide = append(r.InstructionSide, Recipient{u, "TOUS, rôle sur l'administration"})
				got = true
			}
			if !got {
				reason := u.Preference
				if u.Preference == "PARTIEL" {
					reason += ", sans contribution à la convention"
				}
				r.Excluded = append(r.Excluded, Recipient{u, reason})
			}
		}
		hrows, err := db.Query(ctx, `SELECT to_char(h.cree_le AT TIME ZONE 'Europe/Paris', 'DD/MM/YYYY HH24:MI'),
h.statut_convention_precedent, h.statut_convention, coalesce(u.username, ''), coalesce(h.commentaire, '')
FROM conventions_conventionhistory h LEFT JOIN users_user u ON u.id = h.user_id
WHERE h.convention_id = $1 ORDER BY h.cree_le DESC, h.id DESC LIMIT 10`, c.ID)
		if err != nil {
			return nil, fmt.Errorf("lecture de l'historique : %w", err)
		}
		r.History, err = pgx.CollectRows(hrows, func(row pgx.CollectableRow) (HistoryRow, error) {
			var h HistoryRow
			err := row.Scan(&h.Date, &h.From, &h.To, &h.User, &h.Commentaire)
			return h, err
		})
		if err != nil {
			return nil, fmt.Errorf("lecture de l'historique : %w", err)
		}
		out = append(out, r)
	}
	return out, nil
}

type userFlag struct {
	contributed, onBailleur, onAdmin, bailleurRole, instructeurRole bool
}

// userFlags evaluates, for every user concerned by a convention, the
// conditions of the recipient rules.
func userFlags(ctx context.Context, db DB, convID, bailleurID int, adminID *int, contributed, onBailleur, onAdmin, bailleurRole, instructeurRole string) (map[int64]userFlag, error) {
	rows, err := db.Query(ctx, `SELECT u.id, `+contributed+`, `+onBailleur+`, `+onAdmin+`, `+bailleurRole+`, `+instructeurRole+`
FROM users_user u WHERE `+contributed+` OR `+onBailleur+` OR `+onAdmin, convID, bailleurID, adminID)
	if err != nil {
		return nil, fmt.Errorf("lecture des destinataires : %w", err)
	}
	defer rows.Close()
	flags := map[int64]userFlag{}
	for rows.Next() {
		var id int64
		var f userFlag
		if err := rows.Scan(&id, &f.contributed, &f.onBailleur, &f.onAdmin, &f.bailleurRole, &f.instructeurRole); err != nil {
			return nil, err
		}
		flags[id] = f
	}
	return flags, rows.Err()
}

// pourRecherche strips "/", "-", spaces and "." as the numero_*_pour_recherche
// columns do.
func pourRecherche(s string) string {
	return strings.NewReplacer("/", "", "-", "", " ", "", ".", "").Replace(s)
}
