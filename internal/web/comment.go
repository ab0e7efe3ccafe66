package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/comment"
	"github.com/MTES-MCT/apilos-go/internal/convention"
)

// Comments on fields (spec §5), at the reference's paths. Plain form
// posts (the récapitulatif works without JavaScript) redirect back to the
// field; JSON requests get JSON, as the reference's API did. Every rule
// (scope, statut, author, who may close) is the comment package's.

type commentJSON struct {
	UUID       string `json:"uuid"`
	UserID     int64  `json:"user_id"`
	Statut     string `json:"statut"`
	Username   string `json:"username"`
	IsOwner    bool   `json:"is_owner"`
	MisAJourLe string `json:"mis_a_jour_le"`
	Message    string `json:"message"`
}

func toJSON(cm *comment.Comment, sub *access.Subject) commentJSON {
	return commentJSON{UUID: cm.UUID.String(), UserID: cm.UserID, Statut: string(cm.Statut), Username: cm.UserName,
		IsOwner: cm.UserID == sub.UserID, MisAJourLe: cm.MisAJourLe.Format("2006-01-02T15:04:05Z07:00"), Message: cm.Message}
}

func wantsJSON(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// commentRefusal answers a refused comment operation.
func (c *conventions) commentRefusal(w http.ResponseWriter, r *http.Request, err error, jsonMode bool, next string) {
	ref, ok := convention.AsRefusal(err)
	if !ok {
		c.s.serverError(w, r, err)
		return
	}
	if jsonMode {
		status := http.StatusBadRequest
		switch ref.Reason {
		case convention.ReasonScope:
			status = http.StatusNotFound
		case convention.ReasonRole:
			status = http.StatusForbidden
		case convention.ReasonStatut, convention.ReasonPrecondition:
			status = http.StatusConflict
		}
		writeJSON(w, status, map[string]any{"success": false, "error": ref.Message})
		return
	}
	c.outcome(w, r, err, next)
}

// commentAdd is POST /comments/: a new comment on a field.
func (c *conventions) commentAdd(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	var in struct {
		Comment        string `json:"comment"`
		ObjectName     string `json:"object_name"`
		ObjectField    string `json:"object_field"`
		ObjectUUID     string `json:"object_uuid"`
		ConventionUUID string `json:"convention_uuid"`
	}
	jsonMode := wantsJSON(r)
	next := ""
	if jsonMode {
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"success": false, "error": "Corps JSON illisible."})
			return
		}
	} else {
		in.Comment, in.ObjectName, in.ObjectField = r.PostForm.Get("comment"), r.PostForm.Get("object_name"), r.PostForm.Get("object_field")
		in.ObjectUUID, in.ConventionUUID = r.PostForm.Get("object_uuid"), r.PostForm.Get("convention_uuid")
		next = localNext(r.PostForm.Get("next"))
	}
	conv, err := uuid.Parse(in.ConventionUUID)
	if err != nil {
		c.s.notFound(w, r)
		return
	}
	obj, err := formUUID(in.ObjectUUID)
	if err != nil {
		c.commentRefusal(w, r, &convention.Refusal{Reason: convention.ReasonInput, Message: "Le champ commenté est invalide."}, jsonMode, next)
		return
	}
	if next == "" {
		next = recapURL(conv.String())
	}
	var cm *comment.Comment
	err = c.tx(ctx, func(tx pgx.Tx) (err error) {
		cm, err = comment.Open(ctx, tx, sub, conv, comment.Key{NomObjet: in.ObjectName, ChampObjet: in.ObjectField, UUIDObjet: obj}, in.Comment)
		return
	})
	if err != nil {
		c.commentRefusal(w, r, err, jsonMode, next)
		return
	}
	if jsonMode {
		writeJSON(w, http.StatusOK, map[string]any{"success": true, "comment": toJSON(cm, sub),
			"user": map[string]bool{"is_instructeur": sub.InstructeurSide()}})
		return
	}
	c.done(w, r, next, "Votre commentaire a été enregistré.")
}

// commentUpdate is POST /comments/<uuid>: resolve, reopen, close, edit
// the text, or reply.
func (c *conventions) commentUpdate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	id, err := uuid.Parse(r.PathValue("comment"))
	if err != nil {
		c.s.notFound(w, r)
		return
	}
	jsonMode := wantsJSON(r)
	var action, message, next string
	if jsonMode {
		var in struct {
			Message *string `json:"message"`
			Statut  string  `json:"statut"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"success": false, "error": "Corps JSON illisible."})
			return
		}
		switch comment.Statut(in.Statut) {
		case comment.Resolu:
			action = "resolve"
		case comment.Ouvert:
			action = "reopen"
		case comment.Clos:
			action = "close"
		}
		if in.Message != nil {
			if action != "" {
				writeJSON(w, http.StatusBadRequest, map[string]any{"success": false, "error": "Modifiez le texte ou le statut, pas les deux à la fois."})
				return
			}
			action, message = "edit", *in.Message
		}
	} else {
		action, message, next = r.PostForm.Get("action"), r.PostForm.Get("message"), localNext(r.PostForm.Get("next"))
	}
	var cm *comment.Comment
	msg := ""
	err = c.tx(ctx, func(tx pgx.Tx) (err error) {
		switch action {
		case "resolve":
			cm, err = comment.Resolve(ctx, tx, sub, id)
			msg = "Le commentaire est marqué comme résolu."
		case "reopen":
			cm, err = comment.Reopen(ctx, tx, sub, id)
			msg = "Le commentaire est ré-ouvert."
		case "close":
			cm, err = comment.Close(ctx, tx, sub, id)
			msg = "Le commentaire est clos."
		case "edit":
			cm, err = comment.Edit(ctx, tx, sub, id, message)
			msg = "Le commentaire a été modifié."
		case "reply":
			cm, err = comment.Reply(ctx, tx, sub, id, message)
			msg = "Votre réponse a été enregistrée."
		default:
			err = &convention.Refusal{Reason: convention.ReasonInput, Message: comment.MsgBadTransition}
		}
		return
	})
	if next == "" {
		next = "/conventions/recherche"
		if cm != nil {
			next = commentConventionURL(cm)
		}
	}
	if err != nil {
		if next == "/conventions/recherche" {
			// Go back to the comment's convention when it is visible.
			if u := c.commentBack(r, id); u != "" {
				next = u
			}
		}
		c.commentRefusal(w, r, err, jsonMode, next)
		return
	}
	if jsonMode {
		writeJSON(w, http.StatusOK, map[string]any{"success": true, "comment": toJSON(cm, sub)})
		return
	}
	c.done(w, r, next, msg)
}

// commentConventionURL is the récapitulatif of the comment's convention.
func commentConventionURL(cm *comment.Comment) string {
	return recapURL(cm.ConventionUUID.String()) + "#commentaire-" + cm.Key.String()
}

// commentBack finds the convention of a comment the subject may see.
func (c *conventions) commentBack(r *http.Request, id uuid.UUID) string {
	u, ok, err := comment.VisibleConventionOf(r.Context(), c.s.opts.DB, access.FromContext(r.Context()), id)
	if err != nil || !ok {
		return ""
	}
	return recapURL(u.String())
}

// commentList is GET /comments/convention/<uuid>: the comments of one
// field (object_name, object_field, object_uuid) as JSON.
func (c *conventions) commentList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	cr, _ := ref(r)
	qv := r.URL.Query()
	var k *comment.Key
	if qv.Get("object_name") != "" {
		obj, err := formUUID(qv.Get("object_uuid"))
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"success": false, "error": "object_uuid invalide"})
			return
		}
		k = &comment.Key{NomObjet: qv.Get("object_name"), ChampObjet: qv.Get("object_field"), UUIDObjet: obj}
	}
	list, err := comment.List(ctx, c.s.opts.DB, cr.ID, k)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	out := make([]commentJSON, 0, len(list))
	for i := range list {
		out = append(out, toJSON(&list[i], sub))
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "comments": out,
		"user": map[string]bool{"is_instructeur": sub.InstructeurSide()}})
}
