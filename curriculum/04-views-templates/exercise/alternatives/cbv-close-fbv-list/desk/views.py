"""Help desk pages. Views handle HTTP and permissions; selectors read, services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import DetailView

from desk import selectors, services
from desk.forms import CommentForm


@require_GET
@login_required
def ticket_list(request):
    paginator = Paginator(selectors.ticket_list_for(request.user), 10)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except InvalidPage as error:
        raise Http404(str(error)) from error
    context = {
        "tickets": page.object_list,
        "page_obj": page,
        "paginator": paginator,
        "is_paginated": page.has_other_pages(),
    }
    return render(request, "desk/ticket_list.html", context)


class TicketDetailView(LoginRequiredMixin, DetailView):
    template_name = "desk/ticket_detail.html"
    context_object_name = "ticket"

    def get_queryset(self):
        # Another user's ticket is "not found" (404), which does not even reveal that it exists.
        return selectors.ticket_detail_queryset(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["comment_form"] = CommentForm()
        context["can_close"] = self.request.user.has_perm("desk.close_ticket") and self.object.status == "open"
        return context


@require_POST
@login_required
def comment_add(request, pk):
    ticket = get_object_or_404(selectors.tickets_visible_to(request.user), pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_add(ticket=ticket, author=request.user, body=form.cleaned_data["body"])
        messages.success(request, "Your comment was added.")
    else:
        messages.error(request, "A comment needs some text, at most 2000 characters.")
    return redirect("desk:ticket_detail", pk=ticket.pk)


class TicketCloseView(LoginRequiredMixin, PermissionRequiredMixin, View):
    # Logged in without the permission: 403 (PermissionRequiredMixin); anonymous: the login page.
    permission_required = "desk.close_ticket"
    http_method_names = ["post"]  # a GET answers 405

    def post(self, request, pk):
        ticket = get_object_or_404(selectors.tickets_visible_to(request.user), pk=pk)
        services.ticket_close(ticket=ticket)
        messages.success(request, "The ticket is closed.")
        return redirect("desk:ticket_detail", pk=ticket.pk)
