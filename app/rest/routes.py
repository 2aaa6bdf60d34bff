"""The REST API's paths (those of the original specification, trailing slash included), each method
with its handler, the permissions it needs and what the OpenAPI document says of it."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from aisettings.models.access import Permission

from ..config import Config
from ..feature_gate import FeatureGate
from . import bulk, organizations, projects, repositories
from .endpoint import Operation, Resource, RestSettings
from .errors import not_found
from .openapi import openapi_document
from .serializers import (
    BulkResult,
    BulkUpdate,
    OrganizationSettings,
    OrganizationSettingsPatch,
    OrganizationSettingsPut,
    ProjectList,
    ProjectSettings,
    ProjectSettingsPatch,
    ProjectSettingsPut,
    Repository,
    RepositoryCreate,
    RepositoryList,
    RepositoryPatch,
    RepositoryPut,
)

PREFIX = "/api/0"
READ_ORGANIZATION = (Permission.READ_ORGANIZATION,)
ADMINISTER_ORGANIZATION = (Permission.ADMINISTER_ORGANIZATION,)
READ_PROJECTS = (Permission.READ_PROJECTS,)
ADMINISTER_PROJECTS = (Permission.ADMINISTER_PROJECTS,)

ORGANIZATION_SETTINGS = "/organizations/{organization}/ai-settings/"
PROJECT_SETTINGS = "/projects/{organization}/{project}/ai-settings/"
PROJECTS_WITH_OVERRIDES = "/organizations/{organization}/ai-projects/"
REPOSITORIES = "/projects/{organization}/{project}/ai-settings/repositories/"
REPOSITORY = "/projects/{organization}/{project}/ai-settings/repositories/{repository}/"
BULK = "/organizations/{organization}/ai-projects/bulk/"

RESOURCES: Mapping[str, Mapping[str, Operation]] = {
    ORGANIZATION_SETTINGS: {
        "GET": Operation(
            organizations.get_settings,
            READ_ORGANIZATION,
            "The organization's settings",
            OrganizationSettings,
            versioned=True,
        ),
        "PUT": Operation(
            organizations.put_settings,
            ADMINISTER_ORGANIZATION,
            "Replace the organization's settings (a setting left out takes its default; locks left out stay)",
            OrganizationSettings,
            OrganizationSettingsPut,
            versioned=True,
        ),
        "PATCH": Operation(
            organizations.patch_settings,
            ADMINISTER_ORGANIZATION,
            "Change some of the organization's settings",
            OrganizationSettings,
            OrganizationSettingsPatch,
            versioned=True,
        ),
    },
    PROJECT_SETTINGS: {
        "GET": Operation(
            projects.get_settings,
            READ_PROJECTS,
            "A project's overrides and effective settings",
            ProjectSettings,
            versioned=True,
        ),
        "PUT": Operation(
            projects.put_settings,
            ADMINISTER_PROJECTS,
            "Replace a project's overrides (all three required; null: inherit)",
            ProjectSettings,
            ProjectSettingsPut,
            versioned=True,
        ),
        "PATCH": Operation(
            projects.patch_settings,
            ADMINISTER_PROJECTS,
            "Change some of a project's overrides (null: inherit)",
            ProjectSettings,
            ProjectSettingsPatch,
            versioned=True,
        ),
    },
    PROJECTS_WITH_OVERRIDES: {
        "GET": Operation(
            projects.list_with_overrides,
            (Permission.READ_ORGANIZATION, Permission.READ_PROJECTS),
            "The projects that override a setting, by slug",
            ProjectList,
            paginated=True,
        )
    },
    REPOSITORIES: {
        "GET": Operation(
            repositories.list_repositories,
            READ_PROJECTS,
            "A project's repositories",
            RepositoryList,
            paginated=True,
        ),
        "POST": Operation(
            repositories.create_repository,
            ADMINISTER_PROJECTS,
            "Add a repository to a project",
            Repository,
            RepositoryCreate,
            status=201,
            versioned=True,
        ),
    },
    REPOSITORY: {
        "GET": Operation(
            repositories.get_repository, READ_PROJECTS, "A repository", Repository, versioned=True
        ),
        "PUT": Operation(
            repositories.put_repository,
            ADMINISTER_PROJECTS,
            "Replace a repository's configuration (a field left out takes its default)",
            Repository,
            RepositoryPut,
            versioned=True,
        ),
        "PATCH": Operation(
            repositories.patch_repository,
            ADMINISTER_PROJECTS,
            "Change some of a repository's configuration",
            Repository,
            RepositoryPatch,
            versioned=True,
        ),
        "DELETE": Operation(
            repositories.delete_repository,
            ADMINISTER_PROJECTS,
            "Remove a repository",
            None,
            status=204,
            versioned=True,
        ),
    },
    BULK: {
        "POST": Operation(
            bulk.bulk_update,
            ADMINISTER_PROJECTS,
            "Set the same overrides on many projects, all or nothing",
            BulkResult,
            BulkUpdate,
        )
    },
}


def rest_routes(config: Config, engine: AsyncEngine, gate: FeatureGate) -> list[BaseRoute]:
    """The routes of /api/0/: every resource, the OpenAPI document, and a 404 in DRF's shape for any
    other path under it."""
    settings = RestSettings(engine, config.max_body_bytes, config.request_timeout_seconds, gate)
    document = openapi_document(RESOURCES, PREFIX)

    async def openapi(_: Request) -> Response:
        return Response(document, media_type="application/json")

    async def unknown(_: Request) -> Response:
        return not_found().response()

    return [
        *(Route(PREFIX + path, Resource(settings, operations)) for path, operations in RESOURCES.items()),
        Route(f"{PREFIX}/openapi.json", openapi),
        Route(
            PREFIX + "/{path:path}",
            unknown,
            methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        ),
    ]
