"""The errors of signing in and of sessions (codes are stable, messages in French)."""

from __future__ import annotations

from services.common.errors import AuthenticationFailed, Forbidden, InvalidInput, TooManyRequests


class LoginRequired(AuthenticationFailed):
    default_code = "connexion-requise"
    default_title = "Veuillez vous connecter."


class InvalidCredentials(AuthenticationFailed):
    # One message for an unknown account and a wrong password: never tell an attacker which it was.
    default_code = "identifiants-invalides"
    default_title = "Identifiant ou mot de passe incorrect."


class SignInThrottled(TooManyRequests):
    # No account is ever locked (a stranger could lock a head out): attempts wait, longer after each
    # failure, and ``retry_after`` says how long.
    default_code = "connexion-ralentie"
    default_title = "Trop d'échecs de connexion : patientez quelques instants avant de réessayer."


class CsrfRejected(Forbidden):
    default_code = "csrf-invalide"
    default_title = "Le formulaire a expiré ou ne vient pas de ce site : rechargez la page et recommencez."


class WeakPassword(InvalidInput):
    default_code = "mot-de-passe-trop-faible"
    default_title = "Le mot de passe est trop faible."


class OidcFailed(AuthenticationFailed):
    default_code = "oidc-echec"
    default_title = "La connexion par le fournisseur d'identité a échoué : recommencez."
