package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/fr"
	"github.com/MTES-MCT/apilos-go/internal/mail"
)

// Keyed is a message with its key inside the event ("105", "166"...),
// the reference's template number, used to send each message once.
type Keyed struct {
	Key     string
	Message mail.Message
}

// info is what the texts name.
type info struct {
	id             int64
	avenant        bool
	kind           string // convention, avenant, dénonciation, résiliation
	numero         string
	programme      string
	ville          string
	bailleur       string
	administration string
	admAdresse     string
	exemplaires    int
	actorEmail     string
	actorFirst     string
	actorLast      string
	actorName      string
	url            string // récapitulatif
}

func (i info) title() string {
	t := i.kind
	if i.numero != "" {
		t += " n° " + i.numero
	}
	t += " – " + i.programme
	if i.ville != "" {
		t += " (" + i.ville + ")"
	}
	return t
}

// gender: "la convention" / "l'avenant"...
func (i info) the() string {
	if i.kind == "avenant" {
		return "l'avenant"
	}
	return "la " + i.kind
}

func (i info) accord() string {
	if i.kind == "avenant" {
		return ""
	}
	return "e"
}

func loadInfo(ctx context.Context, q Querier, ev Event, siteURL string) (*info, error) {
	var i info
	var types []string
	err := q.QueryRow(ctx, `SELECT c.id, c.parent_id IS NOT NULL, COALESCE(c.numero, ''), p.nom, p.ville, b.nom,
			COALESCE(a.nom, ''), trim(concat_ws(' ', a.adresse, a.code_postal, a.ville)), COALESCE(a.nb_convention_exemplaires, 0),
			COALESCE((SELECT array_agg(t.nom) FROM conventions_convention_avenant_types cat
				JOIN conventions_avenanttype t ON t.id = cat.avenanttype_id WHERE cat.convention_id = c.id), '{}')
		FROM conventions_convention c
		JOIN programmes_programme p ON p.id = c.programme_id
		JOIN bailleurs_bailleur b ON b.id = p.bailleur_id
		LEFT JOIN instructeurs_administration a ON a.id = p.administration_id
		WHERE c.uuid = $1`, ev.ConventionUUID).Scan(&i.id, &i.avenant, &i.numero, &i.programme, &i.ville, &i.bailleur,
		&i.administration, &i.admAdresse, &i.exemplaires, &types)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrConventionGone
	}
	if err != nil {
		return nil, fmt.Errorf("lecture de la convention notifiée : %w", err)
	}
	i.kind = "convention"
	if i.avenant {
		i.kind = "avenant"
		for _, t := range types {
			switch t {
			case "denonciation":
				i.kind = "dénonciation"
			case "resiliation":
				if i.kind == "avenant" {
					i.kind = "résiliation"
				}
			}
		}
	}
	i.url = strings.TrimRight(siteURL, "/") + "/conventions/recapitulatif/" + ev.ConventionUUID.String()
	if ev.ActorUserID != 0 {
		err := q.QueryRow(ctx, `SELECT email, first_name, last_name,
				COALESCE(NULLIF(trim(first_name || ' ' || last_name), ''), username)
			FROM users_user WHERE id = $1`, ev.ActorUserID).Scan(&i.actorEmail, &i.actorFirst, &i.actorLast, &i.actorName)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return nil, fmt.Errorf("lecture de l'auteur : %w", err)
		}
	}
	return &i, nil
}

// ErrConventionGone: the convention was deleted before the e-mail left.
var ErrConventionGone = errors.New("la convention notifiée n'existe plus")

const signature = "\n\nL'équipe APiLos\n\nCe message est envoyé automatiquement par APiLos, merci de ne pas y répondre."

// Messages builds the e-mails of an event (spec workflows §9.2) with
// their recipients. Sides without recipients produce no message.
func Messages(ctx context.Context, q Querier, ev Event, siteURL string) ([]Keyed, error) {
	if ev.Kind == VirusDetected {
		return virusMessages(ctx, q, ev, siteURL)
	}
	i, err := loadInfo(ctx, q, ev, siteURL)
	if err != nil {
		return nil, err
	}
	var out []Keyed
	add := func(key string, to, cc []string, subject, text string) {
		if len(to) == 0 {
			return
		}
		cc = withoutAddresses(cc, to)
		out = append(out, Keyed{Key: key, Message: mail.Message{To: to, Cc: cc, Subject: subject, Text: text + signature}})
	}
	pick := func(conv, av string) string {
		if i.avenant {
			return av
		}
		return conv
	}
	var copyTo []string
	if ev.SendCopy && i.actorEmail != "" {
		copyTo = cleanAddresses([]string{i.actorEmail})
	}
	comment := ""
	if ev.Comment != "" {
		comment = "\n\nCommentaire :\n" + ev.Comment
	}
	switch ev.Kind {
	case Submitted:
		b, err := Recipients(ctx, q, SideBailleur, i.id)
		if err != nil {
			return nil, err
		}
		add(pick("105", "106"), b, nil,
			fmt.Sprintf("APiLos – %s transmis%s à l'instruction", capital(i.the()), i.accord()),
			fmt.Sprintf("Bonjour,\n\n%s « %s » du bailleur %s a bien été transmis%s au service instructeur%s.\n\nVous serez informé de la suite de son instruction. Pour la consulter : %s",
				capital(i.the()), i.title(), i.bailleur, i.accord(), admSuffix(i), i.url))
		ins, err := Recipients(ctx, q, SideSubmission, i.id)
		if err != nil {
			return nil, err
		}
		add(pick("166", "167"), ins, nil,
			fmt.Sprintf("APiLos – %s à instruire : %s", capital(i.kind), i.title()),
			fmt.Sprintf("Bonjour,\n\n%s a soumis %s « %s » du bailleur %s à votre instruction.\n\nPour l'instruire : %s",
				orSomeone(i.actorName), i.the(), i.title(), i.bailleur, i.url))
	case CorrectionsRequested:
		b, err := Recipients(ctx, q, SideBailleur, i.id)
		if err != nil {
			return nil, err
		}
		add(pick("102", "101"), b, copyTo,
			fmt.Sprintf("APiLos – Corrections demandées sur %s : %s", i.the(), i.title()),
			fmt.Sprintf("Bonjour,\n\nLe service instructeur%s demande des corrections sur %s « %s ».%s\n\nPour corriger et renvoyer %s à l'instruction : %s",
				admSuffix(i), i.the(), i.title(), comment, pronoun(i), i.url))
	case CorrectionsDone:
		ins, err := Recipients(ctx, q, SideInstructeur, i.id)
		if err != nil {
			return nil, err
		}
		add(pick("168", "169"), ins, copyTo,
			fmt.Sprintf("APiLos – %s corrigé%s, à instruire à nouveau : %s", capital(i.kind), i.accord(), i.title()),
			fmt.Sprintf("Bonjour,\n\nLe bailleur %s a renvoyé %s « %s » à l'instruction.%s\n\nPour l'instruire : %s",
				i.bailleur, i.the(), i.title(), comment, i.url))
	case Validated:
		if i.administration == "" {
			return nil, nil
		}
		b, err := Recipients(ctx, q, SideBailleur, i.id)
		if err != nil {
			return nil, err
		}
		var cc []string
		if i.actorEmail != "" {
			cc = cleanAddresses([]string{i.actorEmail})
		}
		add(pick("103", "104"), b, cc,
			fmt.Sprintf("APiLos – %s validé%s, à signer : %s", capital(i.kind), i.accord(), i.title()),
			fmt.Sprintf("Bonjour,\n\n%s « %s » a été validé%s par %s.\n\nLe document est à imprimer en %s, à signer et à envoyer à l'adresse suivante :\n%s\n%s\n\nLe document et la suite de la procédure : %s",
				capital(i.the()), i.title(), i.accord(), i.administration, fr.Count(max(i.exemplaires, 1), "exemplaire", "exemplaires"), i.administration, i.admAdresse, i.url))
	case SurveyBailleur, SurveyInstructeur:
		to := cleanAddresses([]string{i.actorEmail})
		key := "138"
		what := "votre première soumission d'une convention"
		if ev.Kind == SurveyInstructeur {
			key, what = "139", "votre première validation d'une convention"
		}
		add(key, to, nil, "APiLos – Votre avis nous intéresse",
			fmt.Sprintf("Bonjour %s %s,\n\nMerci pour %s dans APiLos. Pourriez-vous nous dire en quelques minutes ce que vous pensez du service ? Répondez simplement à l'enquête depuis votre espace : %s",
				i.actorFirst, i.actorLast, what, strings.TrimSuffix(i.url, "/conventions/recapitulatif/"+ev.ConventionUUID.String())+"/"))
	default:
		return nil, fmt.Errorf("événement %q inconnu", ev.Kind)
	}
	return out, nil
}

func capital(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

func admSuffix(i *info) string {
	if i.administration == "" {
		return ""
	}
	return " (" + i.administration + ")"
}

func pronoun(i *info) string {
	if i.kind == "avenant" {
		return "le"
	}
	return "la"
}

func orSomeone(name string) string {
	if name == "" {
		return "Le bailleur"
	}
	return name
}

// withoutAddresses drops from cc the addresses already in to.
func withoutAddresses(cc, to []string) []string {
	var out []string
	for _, a := range cc {
		if !containsFold(to, a) {
			out = append(out, a)
		}
	}
	return out
}

func containsFold(list []string, a string) bool {
	for _, b := range list {
		if strings.EqualFold(a, b) {
			return true
		}
	}
	return false
}
