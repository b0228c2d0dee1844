"""JSON views of the catalogue."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from catalogue import sql


@require_GET
def book_search(request):
    """GET /books/search/?q=<text>&subject=<id>&sort=title|author|year -> {"books": [...]}."""
    term = request.GET.get("q", "")
    sort = request.GET.get("sort", "title")
    if sort not in sql.SORT_COLUMNS:
        return JsonResponse({"error": "invalid_sort", "allowed": sorted(sql.SORT_COLUMNS)}, status=400)
    subject = request.GET.get("subject")
    if subject and not subject.isdigit():
        return JsonResponse({"error": "invalid_subject"}, status=400)
    query = (
        "SELECT b.id, b.title, b.author, b.year, s.name "
        "FROM catalogue_book AS b INNER JOIN catalogue_subject AS s ON s.id = b.subject_id "
        "WHERE LOWER(b.title) LIKE %s ESCAPE '\\' "
    )
    params = [sql.like_pattern(term)]
    if subject:
        ids = sql.subject_descendant_ids(subject_id=int(subject))
        query += "AND b.subject_id IN (SELECT s2.id FROM catalogue_subject AS s2 WHERE s2.id IN ({})) ".format(
            ", ".join(["%s"] * len(ids)) or "NULL"
        )
        params += ids
    query += f"ORDER BY {sql.SORT_COLUMNS[sort]}, b.id"
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        books = [
            {"id": id_, "title": title, "author": author, "year": year, "subject": subject_name}
            for id_, title, author, year, subject_name in cursor.fetchall()
        ]
    return JsonResponse({"books": books})
