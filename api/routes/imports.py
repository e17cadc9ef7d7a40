"""`POST /v1/imports`: documents (Word, PowerPoint, PDF, web pages, Markdown, text) uploaded as
multipart form data become draft items with suggested annotations, returned for review.

Nothing is written: the editor reviews each draft (its `review:` list names the fields still to
check) and saves it with `PUT /v1/items/{id}`, where lint refuses it until it is reviewed. The
route parses the upload and calls `casebook.importers.import_documents` once, off the event loop.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from fastapi.concurrency import run_in_threadpool

from casebook.api.deps import EditorDep, EngineDep
from casebook.api.schemas import ImportResult, error_responses
from casebook.importers import NothingImported, SourceFile, import_documents
from casebook.search.suggest import Suggester

PATH = "/v1/imports"  # the body limit is CASEBOOK_MAX_UPLOAD_BYTES here (api/app.py)
router = APIRouter(prefix="/v1", tags=["editing"])
Files = Annotated[list[UploadFile], File(description=(
    "One or more documents, each a `files` part with its file name: .docx, .pptx, .pdf (with a text "
    "layer), .html, .md, .txt; the format is recognised by content, not by name."))]


@router.post("/imports", response_model=ImportResult, responses={
    **error_responses(400, 401, 403, 413, 422, 503)})
async def post_imports(files: Files, editor: EditorDep, engine: EngineDep) -> ImportResult:
    """Import documents as draft items: one draft per case found, wording verbatim, page furniture
    removed, customers' numbers masked, annotations suggested from the library and marked for
    review. A file that cannot be read gets its reason in `problems`; when no file yields a
    draft the answer is 422 with every file's reason. Needs an editor key (or a signed-in editor
    page with its CSRF token), like `PUT`."""
    sources = [SourceFile(upload.filename or f"upload-{n}", await upload.read()) for n, upload in enumerate(files, 1)]
    report = await run_in_threadpool(import_documents, sources, engine.library, None,
                                     suggester=Suggester(engine))
    if not report.imported:
        raise NothingImported([(problem.document, problem.reason, problem.message) for problem in report.problems])
    return ImportResult.model_validate(report.as_dict())
