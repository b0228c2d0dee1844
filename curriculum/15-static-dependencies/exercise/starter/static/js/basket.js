// Adds the book to the basket kept in localStorage.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-add-to-basket]");
  if (!button) return;
  const basket = JSON.parse(localStorage.getItem("basket") || "[]");
  basket.push(button.dataset.addToBasket);
  localStorage.setItem("basket", JSON.stringify(basket));
});
