package siap

import (
	"errors"
	"fmt"
	"net/http"
)

// Messages shown to users when SIAP fails (the reference texts, kept word
// for word, spelling included: users and the support know them).
const (
	MsgTimeout                 = "Le module conventionnement ne parvient pas à joindre la plateforme SIAP, merci de réessayer plus tard"
	MsgHabilitation            = "La plateforme SIAP n'a pas pu trouver d'habilitation associée à votre profil"
	MsgFusion                  = "La plateforme SIAP a retourné une erreur lors de la récupération des bailleurs fusionnés"
	MsgUnauthorized            = "La plateforme SIAP indique que vous n'êtes pas authorisé à accéder à cette ressource"
	MsgNotFound                = "La plateforme SIAP n'a pas pu trouver la ressource demandée"
	MsgConventionNotNeeded     = "Aucune aide ne nécessite un conventionnement pour cette opération"
	MsgNotCompleted            = "Les informations fournies par la plateforme SIAP ne sont pas suffisantes pour permettre le conventionnement"
	MsgBailleurIdentification  = "Impossible d'identifier le bailleur selon les informations transmises par la plateforme SIAP"
	MsgAPIError                = "Une erreur est survenue lors de la communication avec la plateforme SIAP. Veuillez réessayer ultérieurement."
	msgConfigFormatWithoutArgs = "La configuration SIAP-APILOS n'est pas bien formatée"
)

// Kind sorts SIAP failures.
type Kind int

const (
	// KindTimeout: SIAP did not answer in time, could not be reached, or
	// answered 503. Retried.
	KindTimeout Kind = iota + 1
	// KindUnauthorized: SIAP answered 401 (retried), or refused an operation.
	KindUnauthorized
	// KindHabilitation: no usable habilitation (or menu refused).
	KindHabilitation
	// KindForbidden: SIAP refused the habilitations or config call in a way
	// that means "not allowed" (HTTP 403 for the caller).
	KindForbidden
	// KindFusion: the fusion call failed.
	KindFusion
	// KindNotFound: unknown operation.
	KindNotFound
	// KindConfig: SIAP's configuration lacks a URL.
	KindConfig
	// KindData: SIAP's data cannot be used (bailleur identification,
	// incomplete operation...).
	KindData
)

// Error is a SIAP failure. Message is the French text for the user;
// Detail (status, body...) is for the logs only.
type Error struct {
	Kind    Kind
	Message string
	Detail  string
	// Status is the HTTP status SIAP answered, 0 when none.
	Status int
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return e.Message
	}
	return e.Message + " (" + e.Detail + ")"
}

// retryable errors are those the reference retries: timeouts, 401, 503.
func (e *Error) retryable() bool {
	return e.Kind == KindTimeout || e.Kind == KindUnauthorized && e.Status == http.StatusUnauthorized
}

// HTTPStatus is the status a handler answers for this error: 403 when SIAP
// refuses, 404 for an unknown operation, 500 otherwise (as the reference,
// whose 500 page names the SIAP failure).
func (e *Error) HTTPStatus() int {
	switch e.Kind {
	case KindForbidden:
		return http.StatusForbidden
	case KindNotFound:
		return http.StatusNotFound
	}
	return http.StatusInternalServerError
}

// AsError returns the SIAP error inside err, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

func newError(k Kind, msg string, format string, args ...any) *Error {
	e := &Error{Kind: k, Message: msg}
	if format != "" {
		e.Detail = fmt.Sprintf(format, args...)
	}
	return e
}

// ErrHabilitation is the error of a user without any valid habilitation.
func ErrHabilitation(detail string) *Error {
	return &Error{Kind: KindHabilitation, Message: MsgHabilitation, Detail: detail}
}

// configFormatError is the reference message naming the three values.
func configFormatError(c Config) *Error {
	return &Error{Kind: KindConfig, Message: fmt.Sprintf("%s, racineUrlAccesWeb: %s, urlAccesWeb: %s, urlAccesWebOperation: %s",
		msgConfigFormatWithoutArgs, c.RacineURLAccesWeb, c.URLAccesWeb, c.URLAccesWebOperation)}
}
