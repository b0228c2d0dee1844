"""Thin views: authenticate, fetch through the user's own related manager, call a service."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tickets import services
from tickets.forms import SignupForm, TicketForm


@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.account_register(username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        return redirect("login")
    return render(request, "registration/signup.html", {"form": form})


@login_required
def ticket_list(request):
    tickets = request.user.tickets.all()
    return render(request, "tickets/list.html", {"tickets": tickets})


@login_required
@require_http_methods(["GET", "POST"])
def ticket_create(request):
    form = TicketForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ticket = services.ticket_create(owner=request.user, **form.cleaned_data)
        return redirect("tickets:detail", pk=ticket.pk)
    return render(request, "tickets/form.html", {"form": form})


@login_required
def ticket_detail(request, pk):
    ticket = get_object_or_404(request.user.tickets, pk=pk)
    return render(request, "tickets/detail.html", {"ticket": ticket})


@login_required
@require_POST
def ticket_close(request, pk):
    ticket = get_object_or_404(request.user.tickets, pk=pk)
    services.ticket_close(ticket=ticket)
    return redirect("tickets:detail", pk=ticket.pk)
