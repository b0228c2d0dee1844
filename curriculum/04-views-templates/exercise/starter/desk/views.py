"""Help desk pages.

They work on the happy path, and that is all. Read README.md, then fix them (look for TODO).
"""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from desk.models import Comment, Ticket


# TODO(cbv): only the user's own tickets, 10 per page, login required; a generic ListView
#   does most of this for you.
# TODO(template-logic): the template runs queries for every row (assignee, comment count).
def ticket_list(request):
    tickets = Ticket.objects.all()
    return render(request, "desk/ticket_list.html", {"tickets": tickets})


# TODO(thin-views): a missing ticket is a 500 here; someone else's ticket is shown to anyone.
def ticket_detail(request, pk):
    ticket = Ticket.objects.get(pk=pk)
    context = {"ticket": ticket, "can_close": request.user.has_perm("desk.close_ticket")}
    return render(request, "desk/ticket_detail.html", context)


# TODO(thin-views): no form, no login, no POST-only rule, a business rule in the view, and
#   CSRF switched off "because the form kept failing with 403".
@csrf_exempt
def comment_add(request, pk):
    ticket = Ticket.objects.get(pk=pk)
    body = request.POST.get("body", "")
    Comment.objects.create(ticket=ticket, author=request.user, body=body)
    if ticket.status == "closed" and request.user == ticket.requester:
        ticket.status = "open"
        ticket.save()
    return HttpResponseRedirect(f"/tickets/{pk}/")


# TODO(fbv): anybody can close any ticket, even with a GET.
def ticket_close(request, pk):
    ticket = Ticket.objects.get(pk=pk)
    ticket.status = "closed"
    ticket.save()
    return HttpResponseRedirect(f"/tickets/{pk}/")
