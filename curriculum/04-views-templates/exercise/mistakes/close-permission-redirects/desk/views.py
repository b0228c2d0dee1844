"""Help desk pages. Views handle HTTP and permissions; selectors read, services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from desk import selectors, services
from desk.forms import CommentForm


class TicketListView(LoginRequiredMixin, ListView):
    template_name = "desk/ticket_list.html"
    context_object_name = "tickets"
    paginate_by = 10

    def get_queryset(self):
        return selectors.ticket_list_for(self.request.user)


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


@require_POST
@login_required
@permission_required("desk.close_ticket")
def ticket_close(request, pk):
    ticket = get_object_or_404(selectors.tickets_visible_to(request.user), pk=pk)
    services.ticket_close(ticket=ticket)
    messages.success(request, "The ticket is closed.")
    return redirect("desk:ticket_detail", pk=ticket.pk)
