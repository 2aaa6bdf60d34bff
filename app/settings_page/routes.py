"""The page's routes: the three views, for a signed-in member of their organization (a visit without a
session goes to sign in, and comes back: app/sign_in.py), and the page's files."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from aisettings.models.tables import organization, project
from aisettings.resolvers.viewer import Viewer

from ..feature_gate import FeatureGate
from ..sign_in import sign_in_redirect
from .documents import operation_document_ids
from .files import INSTALL_HINT, PREFIX, PageFiles, PreactMissingError, files_endpoint, page_files
from .html_pages import (
    CONTENT_SECURITY_POLICY,
    View,
    not_available_html,
    not_found_html,
    preact_missing_html,
    shell_html,
)

logger = logging.getLogger(__name__)

ViewerOfRequest = Callable[[AsyncEngine, Request], Awaitable[Viewer | None]]
POLICY = {"content-security-policy": CONTENT_SECURITY_POLICY}
SETTINGS_PAGE_FLAG = "settings-page"


def settings_page_routes(
    engine: AsyncEngine,
    node_modules: Path,
    trusted_documents: Path,
    viewer_of: ViewerOfRequest,
    gate: FeatureGate,
) -> list[Route]:
    """The routes of the page, whose viewer is `viewer_of` the request (its session), for the
    organizations the flag `settings-page` is on for (`gate`)."""
    try:
        files: PageFiles | None = page_files(node_modules)
    except PreactMissingError as error:
        logger.warning("The settings page's files are not installed (%s): run `%s`.", error, INSTALL_HINT)
        files = None
    documents = operation_document_ids(trusted_documents)

    def view_endpoint(kind: str) -> Callable[[Request], Awaitable[Response]]:
        async def serve(request: Request) -> Response:
            viewer = await viewer_of(engine, request)
            if viewer is None:
                return sign_in_redirect(request)
            view = View(kind, request.path_params["organization"], request.path_params.get("project"))
            if not await _visible(engine, viewer, view):
                return HTMLResponse(not_found_html(files), status_code=404, headers=POLICY)
            if not await gate.is_on(SETTINGS_PAGE_FLAG, viewer):
                return HTMLResponse(not_available_html(files), status_code=404, headers=POLICY)
            if files is None:
                return HTMLResponse(preact_missing_html(), status_code=503, headers=POLICY)
            return HTMLResponse(shell_html(files, view, viewer.login, documents), headers=POLICY)

        return serve

    return [
        Route("/organizations/{organization}/settings/ai/", view_endpoint("organization")),
        Route("/organizations/{organization}/settings/ai/audit/", view_endpoint("audit")),
        Route("/organizations/{organization}/projects/{project}/settings/ai/", view_endpoint("project")),
        Route(PREFIX + "{path:path}", files_endpoint(files)),
    ]


async def _visible(engine: AsyncEngine, viewer: Viewer, view: View) -> bool:
    """Whether the view's organization (and project) exist and are the viewer's."""
    async with engine.connect() as connection:
        organization_id = (
            await connection.execute(
                select(organization.c.id).where(organization.c.slug == view.organization)
            )
        ).scalar_one_or_none()
        if organization_id is None or organization_id != viewer.organization_id:
            return False
        if view.project is None:
            return True
        found = await connection.execute(
            select(project.c.id).where(
                project.c.organization_id == organization_id, project.c.slug == view.project
            )
        )
        return found.scalar_one_or_none() is not None
